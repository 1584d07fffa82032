import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { withTypeBox } from '../with-typebox.js';

export default function replaySageMakerDeadLettersRoute(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/feature-views/:name/sagemaker/dead-letters/replay',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'replaySageMakerDeadLetters',
        tags: ['sagemaker'],
        summary:
          'Write the entities of sink dead letters again (their current values, fresh attempts); entries leave the queue and come back only if the write fails again',
        params: Type.Object({ name: ViewNameParam }),
        body: Type.Object(
          {
            ids: Type.Optional(
              Type.Array(Type.String({ minLength: 3, maxLength: 300 }), { minItems: 1, maxItems: 1000 }),
            ),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: 1000,
                description: 'Without ids: replay the oldest `limit` (default 1000)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ replayed: Type.Integer(), missing: Type.Array(Type.String()) }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => app.deps.sagemaker.replayDeadLetters(request.params.name, request.body),
  );
}
