/** Observes every HTTP response into the metrics, labelled by route pattern (bounded), never the raw URL. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { HttpMetrics } from '../../ports/metrics.js';

async function httpMetrics(app: FastifyInstance, options: { metrics: Pick<HttpMetrics, 'observeHttp'> }) {
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.observeHttp(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}

export const httpMetricsPlugin = fp(httpMetrics, { name: 'eddy-http-metrics', fastify: '5.x' });
