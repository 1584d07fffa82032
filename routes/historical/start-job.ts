import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, VersionQuery, ViewNameParam } from '../../src/http/schemas/common.js';
import { MAX_INLINE_SPINE_ROWS, startHistoricalJob } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { jobView } from './job-view.js';
import { JobSchema } from './schemas.js';

const UploadId = Type.String({ format: 'uuid', description: 'An upload id (POST /v1/historical-uploads)' });

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
            events: Type.Object(
              { type: Type.Literal('upload'), upload: UploadId },
              { additionalProperties: false, description: 'Raw records of the view, in source order' },
            ),
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
