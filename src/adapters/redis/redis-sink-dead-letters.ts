import type { Redis } from 'ioredis';
import type {
  SinkDeadLetter,
  SinkDeadLetterPage,
  SinkDeadLetterStore,
} from '../../ports/sagemaker-sink-store.js';
import type { KeyLayout } from './keys.js';
import { type SinkCommands, withSinkCommands } from './sagemaker-sink-scripts.js';

/**
 * The sink's dead letters per view: a hash id -> entry and a sorted set of ids by failure time (paging, oldest
 * first). One entry per entity and version (a newer failure replaces it). Capped at `maxEntries` per view.
 */
export function redisSinkDeadLetters(
  redis: Redis,
  keys: KeyLayout,
  options: { maxEntries: number; armTtlMs: number },
): SinkDeadLetterStore {
  const r = withSinkCommands(redis);
  const store: SinkDeadLetterStore = {
    async add(view, entry) {
      await r.eddySinkAddDeadLetter(
        keys.sinkDeadLetters(view),
        keys.sinkDeadLetterIndex(view),
        keys.sinkStats(view),
        entry.id,
        Date.parse(entry.failedAt),
        JSON.stringify(entry),
        options.maxEntries,
      );
    },
    async list(view, limit, after): Promise<SinkDeadLetterPage> {
      const index = keys.sinkDeadLetterIndex(view);
      let start = 0;
      if (after) {
        const rank = await r.zrank(index, after);
        start = rank === null ? 0 : rank + 1;
      }
      const [ids, total] = await Promise.all([
        r.zrange(index, String(start), String(start + limit - 1)),
        r.zcard(index),
      ]);
      const items = (await store.get(view, ids)).filter((e): e is SinkDeadLetter => e !== null);
      const next = ids.length > 0 && start + ids.length < total ? ids[ids.length - 1]! : null;
      return { items, total, next };
    },
    async get(view, ids) {
      if (ids.length === 0) return [];
      const raws = await r.hmget(keys.sinkDeadLetters(view), ...ids);
      return raws.map((raw) => (raw ? (JSON.parse(raw) as SinkDeadLetter) : null));
    },
    async remove(view, ids) {
      if (ids.length === 0) return;
      await r
        .multi()
        .hdel(keys.sinkDeadLetters(view), ...ids)
        .zrem(keys.sinkDeadLetterIndex(view), ...ids)
        .exec();
    },
    async requeue(view, entries) {
      if (entries.length === 0) return 0;
      const ids = entries.map((e) => e.id);
      const tx = r
        .multi()
        .hdel(keys.sinkDeadLetters(view), ...ids)
        .zrem(keys.sinkDeadLetterIndex(view), ...ids);
      // Every id is `<version>:<entity>`, exactly the pending-set member. Queued in the transaction: its
      // reply comes with exec() below.
      void (tx as unknown as SinkCommands).eddySinkMark(
        keys.sinkPending(view),
        keys.sinkSeq(view),
        keys.sinkArmed(view),
        options.armTtlMs,
        ...ids,
      );
      const replies = (await tx.exec()) ?? [];
      for (const [err] of replies) if (err) throw err;
      return Number(replies[2]?.[1] ?? 0);
    },
    count: (view) => r.zcard(keys.sinkDeadLetterIndex(view)),
  };
  return store;
}
