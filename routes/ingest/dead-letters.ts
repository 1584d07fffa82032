import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { listDeadLetters } from '../../src/services/dead-letters.js';
import { withTypeBox } from '../with-typebox.js';

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
    record: Type.Unknown({ description: 'The record as received' }),
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
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            after: Type.Optional(
              Type.String({ maxLength: 512, description: '`next` from the previous page' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(DeadLetterSchema),
            total: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) =>
      listDeadLetters(app.deps, request.params.name, request.query.limit ?? 100, request.query.after),
  );
}
