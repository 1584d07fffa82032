import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { cancelHistoricalJob } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { jobView } from './job-view.js';
import { JobIdParam, JobSchema } from './schemas.js';

export default function cancelJobRoute(app: FastifyInstance) {
  withTypeBox(app).delete(
    '/v1/feature-views/:name/historical-features/:job',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'cancelHistoricalFeaturesJob',
        tags: ['training'],
        summary: 'Cancel a queued or running job (a finished job is left as it is); answers the job',
        params: Type.Object({ name: ViewNameParam, job: JobIdParam }),
        response: { 200: JobSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) =>
      jobView(await cancelHistoricalJob(app.deps.historical, request.params.name, request.params.job)),
  );
}
