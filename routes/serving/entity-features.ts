import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { entityResultJson, JSON_CONTENT_TYPE } from '../../src/http/feature-json.js';
import {
  AsOfQuery,
  EntityIdParam,
  problemResponses,
  VersionQuery,
  ViewNameParam,
} from '../../src/http/schemas/common.js';
import { parseAsOf, readOnlineFeatures } from '../../src/services/read-features.js';
import { withTypeBox } from '../with-typebox.js';

export default function entityFeaturesRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/entities/:entity',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getEntityFeatures',
        tags: ['serving'],
        summary: 'Current feature values of one entity',
        params: Type.Object({ name: ViewNameParam, entity: EntityIdParam }),
        querystring: Type.Object(
          {
            asOf: Type.Optional(AsOfQuery),
            features: Type.Optional(
              Type.String({
                maxLength: 6500,
                pattern: '^[a-z][a-z0-9_]{0,62}(,[a-z][a-z0-9_]{0,62})*$',
                description: 'Comma-separated feature names',
              }),
            ),
            version: Type.Optional(VersionQuery),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('EntityResult'), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { asOf, features, version } = request.query;
      const out = await readOnlineFeatures(app.deps, {
        featureView: request.params.name,
        version,
        entities: [request.params.entity],
        features: features?.split(','),
        asOf: parseAsOf(asOf),
      });
      return reply.type(JSON_CONTENT_TYPE).send(entityResultJson(out.results[0]!));
    },
  );
}
