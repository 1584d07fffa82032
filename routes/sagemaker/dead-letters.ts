import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import {
  DEFAULT_PAGE_LIMIT,
  DeadLetterPageQuery,
  deadLetterPage,
} from '../../src/http/schemas/dead-letters.js';
import { withTypeBox } from '../with-typebox.js';
import { SinkDeadLetterSchema } from './schemas.js';

export default function listSageMakerDeadLettersRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/sagemaker/dead-letters',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'listSageMakerDeadLetters',
        tags: ['sagemaker'],
        summary:
          'Entities whose SageMaker write failed for good (one entry per entity and version), oldest first',
        params: Type.Object({ name: ViewNameParam }),
        querystring: DeadLetterPageQuery,
        response: { 200: deadLetterPage(SinkDeadLetterSchema), ...problemResponses(400, 404) },
      },
    },
    async (request) =>
      app.deps.sagemaker.listDeadLetters(
        request.params.name,
        request.query.limit ?? DEFAULT_PAGE_LIMIT,
        request.query.after,
      ),
  );
}
