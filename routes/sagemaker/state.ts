import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, VersionQuery, ViewNameParam } from '../../src/http/schemas/common.js';
import { withTypeBox } from '../with-typebox.js';
import { SinkStateSchema } from './schemas.js';

export default function sageMakerSinkStateRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/sagemaker',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getSageMakerSink',
        tags: ['sagemaker'],
        summary:
          "The CreateFeatureGroup input matching the view's SageMaker sink, and the sink's state (pending, written, failed, dead letters)",
        params: Type.Object({ name: ViewNameParam }),
        querystring: Type.Object({ version: Type.Optional(VersionQuery) }, { additionalProperties: false }),
        response: { 200: SinkStateSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => app.deps.sagemaker.state(request.params.name, request.query.version),
  );
}
