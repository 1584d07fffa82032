import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import {
  MAX_DEAD_LETTERS_PER_CALL,
  ReplayResultSchema,
  replayDeadLettersBody,
} from '../../src/http/schemas/dead-letters.js';
import { replayDeadLetters } from '../../src/services/dead-letters.js';
import { withTypeBox } from '../with-typebox.js';

const DeadLetterId = Type.String({ maxLength: 512 });

/** The replay result, with the records that were rejected again and why. */
const RecordReplayResultSchema = Type.Object({
  ...ReplayResultSchema.properties,
  rejected: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), reason: Type.String() })),
});

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
        body: replayDeadLettersBody(DeadLetterId),
        response: { 200: RecordReplayResultSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { name } = request.params;
      let ids = request.body.ids;
      if (!ids) {
        const oldest = await app.deps.deadLetters.list(name, request.body.limit ?? MAX_DEAD_LETTERS_PER_CALL);
        ids = oldest.items.map((e) => e.id);
        if (ids.length === 0) {
          await app.deps.catalog.get(name);
          return { replayed: 0, missing: [], rejected: [] };
        }
      }
      return replayDeadLetters(app.deps, name, ids);
    },
  );
}
