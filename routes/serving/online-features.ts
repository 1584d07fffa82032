import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { JSON_CONTENT_TYPE, onlineFeaturesJson } from '../../src/http/feature-json.js';
import {
  AsOfSchema,
  EntityIdParam,
  problemResponses,
  VersionQuery,
  ViewNameParam,
} from '../../src/http/schemas/common.js';
import { parseAsOf, readOnlineFeatures } from '../../src/services/read-features.js';
import { withTypeBox } from '../with-typebox.js';

export const MAX_READ_ENTITIES = 1000;

export default function onlineFeaturesRoute(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/online-features',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getOnlineFeatures',
        tags: ['serving'],
        summary: 'Current feature values for 1..1,000 entities, in request order',
        body: Type.Object(
          {
            featureView: ViewNameParam,
            version: Type.Optional(VersionQuery),
            entities: Type.Array(EntityIdParam, {
              minItems: 1,
              maxItems: MAX_READ_ENTITIES,
            }),
            features: Type.Optional(
              Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }), { minItems: 1, maxItems: 100 }),
            ),
            asOf: Type.Optional(AsOfSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('OnlineFeatures'), ...problemResponses(400, 404, 413) },
      },
    },
    async (request, reply) => {
      const { featureView, version, entities, features, asOf } = request.body;
      const out = await readOnlineFeatures(app.deps, {
        featureView,
        version,
        entities,
        features,
        asOf: parseAsOf(asOf),
      });
      return reply.type(JSON_CONTENT_TYPE).send(onlineFeaturesJson(out));
    },
  );
}
