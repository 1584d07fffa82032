/**
 * Rate limiting (`EDDY_RATE_LIMIT` requests per minute) with @fastify/rate-limit and a Redis store that leases
 * permits in chunks (adapters/redis/leased-rate-limit-store.ts), so the limit holds across every API instance
 * sharing the Redis without a Redis call per request. The bucket is the API key's principal (`key-<n>`)
 * or, for requests without a valid key, the client address. It runs before authorization, so failed key
 * guesses count too.
 *
 * Over the limit: 429 `RATE_LIMITED` as problem+json with `Retry-After` (seconds). Routes with
 * `config: { rateLimit: false }` (health, readiness, metrics) are not limited. If Redis cannot be asked, the
 * request is let through (Redis being down shows in /readyz; every data route fails on its own anyway).
 */
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem, sendProblem } from '../problem.js';
import { principalOf } from './auth.js';

export interface RateLimitOptions {
  /** The shared store (the composition root builds it: adapters/redis/leased-rate-limit-store.ts). */
  store: FastifyRateLimitStoreCtor;
  /** Requests per window. */
  max: number;
  /** @defaultValue 60 000 ms */
  windowMs?: number;
}

async function limits(app: FastifyInstance, options: RateLimitOptions) {
  await app.register(rateLimit, {
    global: false,
    max: options.max,
    timeWindow: options.windowMs ?? 60_000,
    store: options.store,
    skipOnError: true,
    keyGenerator: (request) => principalOf(request)?.id ?? `ip:${request.ip}`,
  });
  const limiter = app.createRateLimit();

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.rateLimit === false) return;
    const r = await limiter(request);
    if (r.isAllowed) return;
    reply.header('x-ratelimit-limit', r.max);
    reply.header('x-ratelimit-remaining', r.remaining);
    reply.header('x-ratelimit-reset', r.ttlInSeconds);
    if (!r.isExceeded) return;
    reply.header('retry-after', Math.max(1, r.ttlInSeconds));
    return sendProblem(
      reply,
      request,
      problem('RATE_LIMITED', `more than ${r.max} requests in ${Math.round(r.timeWindow / 1000)} s`),
    );
  });
}

export const rateLimitPlugin = fp(limits, { name: 'eddy-rate-limit', fastify: '5.x' });
