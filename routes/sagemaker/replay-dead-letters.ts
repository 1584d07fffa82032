import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { ReplayResultSchema, replayDeadLettersBody } from '../../src/http/schemas/dead-letters.js';
import { withTypeBox } from '../with-typebox.js';

/** A sink dead letter's id: `<version>:<entity>`. */
const SinkDeadLetterId = Type.String({ minLength: 3, maxLength: 300 });

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
        body: replayDeadLettersBody(SinkDeadLetterId),
        response: { 200: ReplayResultSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => app.deps.sagemaker.replayDeadLetters(request.params.name, request.body),
  );
}
