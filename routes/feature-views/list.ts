import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { withTypeBox } from '../with-typebox.js';

export default function listFeatureViews(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'listFeatureViews',
        tags: ['feature-views'],
        summary: 'Every live feature view, latest versions, by name',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('FeatureView')) }) },
      },
    },
    async () => ({ items: await app.deps.catalog.list() }),
  );
}
