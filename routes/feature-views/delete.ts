import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { withTypeBox } from '../with-typebox.js';

export default function deleteFeatureView(app: FastifyInstance) {
  withTypeBox(app).delete(
    '/v1/feature-views/:name',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'deleteFeatureView',
        tags: ['feature-views'],
        summary: 'Delete a view: it stops ingesting and reading; its entity state expires by its TTL',
        params: Type.Object({ name: ViewNameParam }),
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await app.deps.catalog.remove(request.params.name);
      await app.deps.deadLetters.removeAll(request.params.name);
      await app.deps.counters.remove(request.params.name);
      return reply.code(204).send(null);
    },
  );
}
