import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, VersionQuery, ViewNameParam } from '../../src/http/schemas/common.js';
import { withTypeBox } from '../with-typebox.js';

export default function getFeatureView(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getFeatureView',
        tags: ['feature-views'],
        summary: 'A feature view definition (latest version unless `version` is given)',
        params: Type.Object({ name: ViewNameParam }),
        querystring: Type.Object({ version: Type.Optional(VersionQuery) }, { additionalProperties: false }),
        response: { 200: Type.Ref('FeatureView'), ...problemResponses(400, 404) },
      },
    },
    async (request) =>
      (await app.deps.catalog.get(request.params.name, request.query.version, { fresh: true })).view,
  );
}
