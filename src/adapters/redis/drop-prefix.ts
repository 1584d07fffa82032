/**
 * Deletes every key under one Eddy key prefix (`<prefix>:*`, which includes the BullMQ queues): used by
 * `npm run demo` to leave a shared Redis as it found it. Never call it with a prefix the caller does not own.
 */
import { Redis } from 'ioredis';

/** Returns the number of keys deleted. */
export async function dropPrefix(url: string, prefix: string): Promise<number> {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new Error(`not a key prefix: '${prefix}'`);
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true, connectTimeout: 2000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
