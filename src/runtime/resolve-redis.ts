/**
 * Which Redis a process uses (docs/operations.md): REDIS_URL when set; else 127.0.0.1:6379 when it answers; else a
 * private redis-server (in memory, stopped by its owner) when one is installed; else an error saying how to get
 * Redis. `npm start` and `npm run demo` both use it.
 */
import type { Logger } from 'pino';
import {
  type PrivateRedis,
  redisAnswersPing,
  redisServerAvailable,
  startPrivateRedis,
} from './redis-server.js';

export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

export async function resolveRedis(
  redisUrl: string | null,
  log: Logger,
): Promise<{ url: string; owned: PrivateRedis | null }> {
  if (redisUrl) return { url: redisUrl, owned: null };
  if (await redisAnswersPing(DEFAULT_REDIS)) return { url: DEFAULT_REDIS, owned: null };
  if (!redisServerAvailable()) {
    throw new Error(
      'no Redis answers at 127.0.0.1:6379 and redis-server is not installed. Install it (Debian: apt-get install -y redis-server), ' +
        'start one, or set REDIS_URL=redis://host:port',
    );
  }
  const owned = await startPrivateRedis();
  log.warn(
    { url: owned.url },
    'no Redis at 127.0.0.1:6379: started a private redis-server (in memory; stops with Eddy)',
  );
  return { url: owned.url, owned };
}
