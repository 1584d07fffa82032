/** Builds the real app and real BullMQ workers against the test file's private Redis (or Redis Cluster). */
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildEddyApp, type EddyRuntime, startRuntime } from '../../src/assemble.js';
import { parseConfig } from '../../src/config.js';
import type { App } from '../../src/http/app.js';
import { testRedisClient, testRedisEnv, uniquePrefix } from './redis.js';

export interface TestEddy {
  app: App;
  runtime: EddyRuntime;
  redisUrl: string;
  /** The variables that point another Eddy process at the same Redis (REDIS_URL, or REDIS_CLUSTER_NODES). */
  redisEnv: Record<string, string>;
  /** A connection of the test's own to the test file's private Redis or Cluster (closed with the app). */
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export async function startEddy(
  env: Record<string, string> = {},
  roles = { api: true, worker: true },
  overrides: Parameters<typeof startRuntime>[4] = {},
): Promise<TestEddy> {
  const redis = await testRedisEnv();
  const prefix = env.EDDY_KEY_PREFIX ?? uniquePrefix();
  const config = parseConfig({ LOG_LEVEL: 'silent', ...env, EDDY_KEY_PREFIX: prefix, ...redis.env });
  const log = pino({ level: config.logLevel });
  const runtime = await startRuntime(config, redis.url, log, roles, overrides);
  const app = await buildEddyApp(runtime.deps, {
    logger: process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false,
  });
  await app.ready();
  const own = await testRedisClient();
  return {
    app,
    runtime,
    redisUrl: redis.url,
    redisEnv: redis.env,
    redis: own,
    prefix,
    async close() {
      await app.close();
      await runtime.close();
      own.disconnect();
    },
  };
}
