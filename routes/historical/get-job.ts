import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { getHistoricalJob } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { jobView } from './job-view.js';
import { JobIdParam, JobSchema } from './schemas.js';

export default function getJobRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/historical-features/:job',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getHistoricalFeaturesJob',
        tags: ['training'],
        summary: 'A training-set job: status and progress',
        params: Type.Object({ name: ViewNameParam, job: JobIdParam }),
        response: { 200: JobSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) =>
      jobView(await getHistoricalJob(app.deps.historical, request.params.name, request.params.job)),
  );
}
