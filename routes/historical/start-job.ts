import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, VersionQuery, ViewNameParam } from '../../src/http/schemas/common.js';
import { MAX_INLINE_SPINE_ROWS, startHistoricalJob } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { jobView } from './job-view.js';
import { JobSchema } from './schemas.js';

const UploadId = Type.String({ format: 'uuid', description: 'An upload id (POST /v1/historical-uploads)' });

const ApiTime = Type.Union([Type.Integer(), Type.String({ maxLength: 64 })], {
  description: 'Epoch ms or ISO-8601 with a zone',
});

const SpineRow = Type.Object(
  {
    entity: Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Number()]),
    timestamp: Type.Union([Type.Integer(), Type.String({ maxLength: 64 })], {
      description: 'Epoch ms or ISO-8601 with a zone',
    }),
  },
  { additionalProperties: true, description: 'Other columns are passed through untouched (labels)' },
);

export default function startJobRoute(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/feature-views/:name/historical-features',
    {
      bodyLimit: 8 * 1024 * 1024,
      config: { scope: 'write' },
      schema: {
        operationId: 'startHistoricalFeatures',
        tags: ['training'],
        summary: 'Start a point-in-time training-set job (202); poll it, then GET its result',
        params: Type.Object({ name: ViewNameParam }),
        body: Type.Object(
          {
            spine: Type.Union([
              Type.Array(SpineRow, { minItems: 1, maxItems: MAX_INLINE_SPINE_ROWS }),
              Type.Object({ upload: UploadId }, { additionalProperties: false }),
            ]),
            events: Type.Union([
              Type.Object(
                { type: Type.Literal('upload'), upload: UploadId },
                {
                  additionalProperties: false,
                  description: 'An upload of raw records of the view, in source order',
                },
              ),
              Type.Object(
                { type: Type.Literal('retained') },
                {
                  additionalProperties: false,
                  description:
                    "The view's online state as stored now: time windows and lifetime features as of the end of the last tile ending at or before T, count windows as of T; a row needing events the state no longer holds has status OUT_OF_RETENTION",
                },
              ),
              Type.Object(
                {
                  type: Type.Literal('kinesis'),
                  streamName: Type.Optional(
                    Type.String({
                      minLength: 1,
                      maxLength: 128,
                      description: "Default: the view's own stream",
                    }),
                  ),
                  from: Type.Optional(
                    Type.Union([
                      Type.Literal('TRIM_HORIZON'),
                      Type.Object({ atTimestamp: ApiTime }, { additionalProperties: false }),
                    ]),
                  ),
                  to: Type.Optional(ApiTime),
                },
                {
                  additionalProperties: false,
                  description:
                    'Every shard of a Kinesis stream (parents before children) from TRIM_HORIZON (default) or a time, to its end or to the records that arrived by `to`',
                },
              ),
            ]),
            version: Type.Optional(VersionQuery),
            features: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
                minItems: 1,
                maxItems: 500,
                uniqueItems: true,
              }),
            ),
            boundary: Type.Optional(
              Type.Union([Type.Literal('inclusive'), Type.Literal('exclusive')], {
                description:
                  'inclusive (default): an event at exactly T counts; exclusive: only events before T',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 202: JobSchema, ...problemResponses(400, 404, 413) },
      },
    },
    async (request, reply) => {
      const job = await startHistoricalJob(app.deps.historical, request.params.name, request.body);
      const view = jobView(job);
      return reply.code(202).header('location', view.links.self).send(view);
    },
  );
}
