/**
 * Generates the OpenAPI document from the routes' schemas. The app is built with dependencies that are never
 * called (generation only reads route schemas), so no Redis is needed.
 */
import { Redis } from 'ioredis';
import { createMetrics } from '../src/adapters/metrics/metrics.js';
import { leasedRateLimitStore } from '../src/adapters/redis/leased-rate-limit-store.js';
import { buildEddyApp } from '../src/assemble.js';
import { parseConfig } from '../src/config.js';
import type { AppDeps } from '../src/http/app.js';
import { createReadiness } from '../src/runtime/readiness.js';

function unused(name: string): never {
  throw new Error(`${name} is not available while generating the OpenAPI document`);
}

export async function generateOpenApi(): Promise<Record<string, unknown>> {
  const absent = (name: string) => new Proxy({}, { get: (_t, prop) => unused(`${name}.${String(prop)}`) });
  // Never connected: the rate limiter only defines its script on it while the app is built.
  const redis = new Redis({ lazyConnect: true });
  const deps = {
    config: parseConfig({}),
    rateLimitStore: leasedRateLimitStore(redis, 'unused:'),
    catalog: absent('catalog'),
    entities: absent('entities'),
    counters: absent('counters'),
    deadLetters: absent('deadLetters'),
    lanes: absent('lanes'),
    metrics: createMetrics({ queueDepths: async () => new Map(), deadLetterSizes: async () => new Map() }),
    readiness: createReadiness(),
    queues: () => [],
  } as unknown as AppDeps;
  const app = await buildEddyApp(deps);
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  redis.disconnect();
  return doc;
}

export const serializeOpenApi = (doc: Record<string, unknown>) => `${JSON.stringify(doc, null, 2)}\n`;
