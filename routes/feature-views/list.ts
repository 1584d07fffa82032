import { Type } from 'typebox';
import { type RouteApp, typed } from '../route-kit.js';

export default function listFeatureViews(app: RouteApp) {
  typed(app).get(
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
