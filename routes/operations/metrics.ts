import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { withTypeBox } from '../with-typebox.js';

/**
 * Prometheus metrics of this process. Open, like /healthz and /readyz: it carries counts and timings labelled
 * by view, queue, shard and feature-group names only (no entity ids, values or keys); restrict it at the network.
 */
export default function metricsRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: {
        operationId: 'metrics',
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: {
          200: Type.String({ description: 'Prometheus text format 0.0.4' }),
        },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await app.deps.metrics.scrape();
      return reply.type(contentType).send(body);
    },
  );
}
