import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
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
            items: Type.Array(SinkDeadLetterSchema),
            total: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) =>
      app.deps.sagemaker.listDeadLetters(
        request.params.name,
        request.query.limit ?? 100,
        request.query.after,
      ),
  );
}
