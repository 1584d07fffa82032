import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problem, sendProblem } from '../../src/http/problem.js';
import { problemResponses } from '../../src/http/schemas/common.js';
import { withTypeBox } from '../with-typebox.js';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'Probe name -> `ok` or why it is not ready' }),
  ),
});

/** Open (no API key) and never rate limited: orchestrators and load balancers call them. */
export default function healthRoutes(app: FastifyInstance) {
  withTypeBox(app).get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        operationId: 'healthz',
        tags: ['operations'],
        summary: 'The process is alive (answers without touching Redis)',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' }),
  );
  withTypeBox(app).get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        operationId: 'readyz',
        tags: ['operations'],
        summary:
          "Every readiness probe passes: Redis answers, this process's workers and readers run, lag is under EDDY_READY_MAX_LAG_MS",
        response: { 200: Health, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      const { ready, checks } = await app.deps.readiness.check();
      if (!ready) return sendProblem(reply, request, problem('UNAVAILABLE', 'not ready', { checks }));
      return { status: 'ok', checks };
    },
  );
}
