/** Builds the real app and real BullMQ workers against the test file's private Redis. */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildEddyApp, type EddyRuntime, startRuntime } from '../../src/assemble.js';
import { parseConfig } from '../../src/config.js';
import type { App } from '../../src/http/app.js';
import { privateRedis, uniquePrefix } from './redis.js';

export interface TestEddy {
  app: App;
  runtime: EddyRuntime;
  redisUrl: string;
  /** A connection of the test's own to the test file's private Redis (closed with the app). */
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export async function startEddy(
  env: Record<string, string> = {},
  roles = { api: true, worker: true },
  overrides: Parameters<typeof startRuntime>[4] = {},
): Promise<TestEddy> {
  const redis = await privateRedis();
  const prefix = env.EDDY_KEY_PREFIX ?? uniquePrefix();
  const config = parseConfig({ LOG_LEVEL: 'silent', ...env, EDDY_KEY_PREFIX: prefix, REDIS_URL: redis.url });
  const log = pino({ level: config.logLevel });
  const runtime = await startRuntime(config, redis.url, log, roles, overrides);
  const app = await buildEddyApp(runtime.deps, {
    logger: process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false,
  });
  await app.ready();
  const own = new Redis(redis.url);
  return {
    app,
    runtime,
    redisUrl: redis.url,
    redis: own,
    prefix,
    async close() {
      await app.close();
      await runtime.close();
      own.disconnect();
    },
  };
}
