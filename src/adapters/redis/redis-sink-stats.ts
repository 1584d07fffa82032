import type { Redis } from 'ioredis';
import type { SinkCounters, SinkError, SinkStats } from '../../ports/sagemaker-sink-store.js';
import type { KeyLayout } from './keys.js';

/** The sink's counters per view: one hash (`written`, `unchanged`, `failed`, `deadLettered`, `lastError`, …). */
export function redisSinkStats(redis: Redis, keys: KeyLayout): SinkStats {
  return {
    async written(view, deadLetterId) {
      await redis
        .multi()
        .hincrby(keys.sinkStats(view), 'written', 1)
        .hset(keys.sinkStats(view), 'lastWriteAt', new Date().toISOString())
        .hdel(keys.sinkDeadLetters(view), deadLetterId)
        .zrem(keys.sinkDeadLetterIndex(view), deadLetterId)
        .exec();
    },
    async unchanged(view) {
      await redis.hincrby(keys.sinkStats(view), 'unchanged', 1);
    },
    async failed(view, error: SinkError) {
      await redis
        .multi()
        .hincrby(keys.sinkStats(view), 'failed', 1)
        .hset(keys.sinkStats(view), 'lastError', JSON.stringify(error))
        .exec();
    },
    async read(view): Promise<SinkCounters> {
      const h = await redis.hgetall(keys.sinkStats(view));
      const n = (field: string) => Number(h[field] ?? 0);
      return {
        written: n('written'),
        unchanged: n('unchanged'),
        failed: n('failed'),
        deadLettered: n('deadLettered'),
        lastError: h.lastError ? (JSON.parse(h.lastError) as SinkError) : null,
        lastWriteAt: h.lastWriteAt ?? null,
      };
    },
  };
}
