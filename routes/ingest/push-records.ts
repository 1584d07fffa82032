import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { EddyError, ErrorCode } from '../../src/core/errors.js';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { pushRecords } from '../../src/services/push-records.js';
import { withTypeBox } from '../with-typebox.js';

export const MAX_PUSH_RECORDS = 10_000;
/** Largest push body (other routes keep the app's 1 MiB default). */
export const MAX_PUSH_BODY_BYTES = 5 * 1024 * 1024;

const Receipt = Type.Object({
  requestId: Type.String({ description: 'Id of this push (dead letters reference it)' }),
  accepted: Type.Integer({ description: 'Records that passed validation and were queued' }),
  filtered: Type.Integer({ description: "Events the view's transform filter skipped (not an error)" }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), reason: Type.String() }), {
    description: 'Records kept in the dead-letter store, by index in the request',
  }),
  applied: Type.Optional(
    Type.Object(
      {
        accepted: Type.Integer({ description: 'Applied to the online store' }),
        late: Type.Integer({
          description: 'Older than the watermark minus allowedLateness: counted, not applied',
        }),
        duplicate: Type.Integer({
          description: 'Event id already accepted for the entity: counted, not applied',
        }),
        failed: Type.Integer({ description: 'Could not be applied and went to the dead-letter store' }),
      },
      { description: 'Present with ?wait=true' },
    ),
  ),
});

/** The lanes' wait gives up with "… timed out before finishing" (BullMQ's waitUntilFinished or its own). */
const isWaitTimeout = (err: unknown) => err instanceof Error && /timed out|ttl/i.test(err.message);

export default function pushRecordsRoute(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/feature-views/:name/records',
    {
      bodyLimit: MAX_PUSH_BODY_BYTES,
      config: { scope: 'write' },
      schema: {
        operationId: 'pushRecords',
        tags: ['ingest'],
        summary: 'Push records (≤ 10,000, ≤ 5 MiB); with ?wait=true, answer once they are applied',
        params: Type.Object({ name: ViewNameParam }),
        querystring: Type.Object(
          { wait: Type.Optional(Type.Boolean({ default: false, description: 'Wait until applied (200)' })) },
          { additionalProperties: false },
        ),
        body: Type.Object(
          {
            records: Type.Array(
              Type.Unknown({ description: 'A JSON object with the entity key, event time and fields' }),
              {
                minItems: 1,
                maxItems: MAX_PUSH_RECORDS,
              },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Receipt, 202: Receipt, ...problemResponses(400, 404, 413, 415, 503, 504) },
      },
    },
    async (request, reply) => {
      const { compiled } = await app.deps.catalog.get(request.params.name);
      const wait = request.query.wait === true;
      try {
        const receipt = await pushRecords(app.deps, compiled, request.body.records, {
          wait,
          waitTimeoutMs: app.deps.config.pushWaitTimeoutMs,
        });
        return reply.code(wait ? 200 : 202).send(receipt);
      } catch (err) {
        if (wait && isWaitTimeout(err)) {
          throw new EddyError(
            ErrorCode.TIMEOUT,
            'records were queued but not applied within the wait timeout; they will still be applied',
          );
        }
        throw err;
      }
    },
  );
}
