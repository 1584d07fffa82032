import { Type } from 'typebox';
import { problem, sendProblem } from '../../src/http/problem.js';
import { errors } from '../../src/http/schemas/common.js';
import { type RouteApp, typed } from '../route-kit.js';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export default function healthRoutes(app: RouteApp) {
  typed(app).get(
    '/healthz',
    {
      schema: {
        operationId: 'healthz',
        tags: ['operations'],
        summary: 'The process is alive',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' }),
  );
  typed(app).get(
    '/readyz',
    {
      schema: {
        operationId: 'readyz',
        tags: ['operations'],
        summary: "Redis answers and this process's workers run",
        response: { 200: Health, ...errors(503) },
      },
    },
    async (request, reply) => {
      const checks: Record<string, string> = {};
      try {
        await Promise.race([
          app.deps.redis.ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
        ]);
        checks.redis = 'ok';
      } catch {
        checks.redis = 'unreachable';
      }
      if (app.deps.workersRunning) checks.workers = app.deps.workersRunning() ? 'ok' : 'stopped';
      const ready = Object.values(checks).every((v) => v === 'ok');
      if (!ready) return sendProblem(reply, request, problem('UNAVAILABLE', 'not ready', { checks }));
      return { status: 'ok', checks };
    },
  );
}
