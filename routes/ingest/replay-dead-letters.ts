import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { replayDeadLetters } from '../../src/services/dead-letters.js';
import { withTypeBox } from '../with-typebox.js';

export default function replayDeadLettersRoute(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/feature-views/:name/dead-letters/replay',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'replayDeadLetters',
        tags: ['ingest'],
        summary:
          'Re-validate dead letters against the latest version; valid ones are ingested and removed, the rest stay with their new reason',
        params: Type.Object({ name: ViewNameParam }),
        body: Type.Object(
          {
            ids: Type.Optional(Type.Array(Type.String({ maxLength: 512 }), { minItems: 1, maxItems: 1000 })),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: 1000,
                description: 'Without ids: replay the oldest `limit` (default 1000)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            replayed: Type.Integer(),
            missing: Type.Array(Type.String()),
            rejected: Type.Array(
              Type.Object({ id: Type.String(), code: Type.String(), reason: Type.String() }),
            ),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { name } = request.params;
      let ids = request.body.ids;
      if (!ids) {
        ids = (await app.deps.deadLetters.list(name, request.body.limit ?? 1000)).items.map((e) => e.id);
        if (ids.length === 0) {
          await app.deps.catalog.get(name);
          return { replayed: 0, missing: [], rejected: [] };
        }
      }
      return replayDeadLetters(app.deps, name, ids);
    },
  );
}
