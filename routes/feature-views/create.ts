import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses } from '../../src/http/schemas/common.js';
import { FeatureViewSpecSchema } from '../../src/http/schemas/feature-view.js';
import { withTypeBox } from '../with-typebox.js';

export default function createFeatureView(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/feature-views',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'createFeatureView',
        tags: ['feature-views'],
        summary: 'Register a new feature view (version 1)',
        body: FeatureViewSpecSchema,
        response: { 201: Type.Ref('FeatureView'), ...problemResponses(400, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const view = await app.deps.catalog.create(request.body);
      return reply.code(201).header('location', `/v1/feature-views/${view.name}`).send(view);
    },
  );
}
