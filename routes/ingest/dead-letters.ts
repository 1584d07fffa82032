import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import {
  DEFAULT_PAGE_LIMIT,
  DeadLetterPageQuery,
  deadLetterPage,
} from '../../src/http/schemas/dead-letters.js';
import { listDeadLetters } from '../../src/services/dead-letters.js';
import { withTypeBox } from '../with-typebox.js';

/** A record that ingestion rejected, with its reason and where it came from. */
export const DeadLetterSchema = Type.Object(
  {
    id: Type.String(),
    view: Type.String(),
    version: Type.Integer(),
    code: Type.String({ description: 'Stable reason code, e.g. ENTITY_KEY_MISSING' }),
    reason: Type.String(),
    storedAt: Type.String({ format: 'date-time' }),
    source: Type.Object({
      type: Type.Union([Type.Literal('push'), Type.Literal('kinesis')]),
      shardId: Type.Optional(Type.String()),
      sequenceNumber: Type.Optional(Type.String()),
      index: Type.Optional(Type.Integer()),
    }),
    record: Type.Unknown({
      description:
        'The record as received; for a push batch that could not be applied, the event rebuilt in the view record shape',
    }),
    event: Type.Optional(
      Type.Unknown({
        description:
          'For a push batch that could not be applied: the event the record had become ({entity, t, id, values}); a replay queues it as it is',
      }),
    ),
    replays: Type.Integer({ description: 'Replays that were rejected again' }),
  },
  { $id: 'DeadLetter' },
);

export default function listDeadLettersRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/dead-letters',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'listDeadLetters',
        tags: ['ingest'],
        summary: 'Rejected records with their reasons, oldest first',
        params: Type.Object({ name: ViewNameParam }),
        querystring: DeadLetterPageQuery,
        response: { 200: deadLetterPage(DeadLetterSchema), ...problemResponses(400, 404) },
      },
    },
    async (request) =>
      listDeadLetters(
        app.deps,
        request.params.name,
        request.query.limit ?? DEFAULT_PAGE_LIMIT,
        request.query.after,
      ),
  );
}
