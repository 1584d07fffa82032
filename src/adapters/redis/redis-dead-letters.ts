import type { DeadLetter, DeadLetterPage, DeadLetterStore } from '../../ports/dead-letters.js';
import type { KeyLayout } from './keys.js';
import type { EddyRedis } from './scripts.js';

/**
 * Dead letters per view: a hash id -> entry and a sorted set of ids by store time (for paging).
 * Capped at `maxEntries` per view: beyond it the oldest entries are evicted and counted (`deadLettersDropped`).
 */
export function redisDeadLetters(redis: EddyRedis, keys: KeyLayout, maxEntries: number): DeadLetterStore {
  const store: DeadLetterStore = {
    async add(view, version, entries) {
      if (entries.length === 0) return 0;
      const args: (string | number)[] = [version, maxEntries];
      for (const e of entries) args.push(e.id, Date.parse(e.storedAt), JSON.stringify(e));
      const [stored] = await redis.eddyAddDeadLetters(
        keys.deadLetters(view),
        keys.deadLetterIndex(view),
        keys.viewCounters(view),
        ...args,
      );
      return stored;
    },

    async list(view, limit, after): Promise<DeadLetterPage> {
      const index = keys.deadLetterIndex(view);
      let start = 0;
      if (after) {
        const rank = await redis.zrank(index, after);
        start = rank === null ? 0 : rank + 1;
      }
      const [ids, total] = await Promise.all([
        redis.zrange(index, String(start), String(start + limit - 1)),
        redis.zcard(index),
      ]);
      const items = ids.length ? await store.get(view, ids) : [];
      const present = items.filter((e): e is DeadLetter => e !== null);
      const next = start + ids.length < total && ids.length > 0 ? ids[ids.length - 1]! : null;
      return { items: present, total, next };
    },

    async get(view, ids) {
      if (ids.length === 0) return [];
      const raws = await redis.hmget(keys.deadLetters(view), ...ids);
      return raws.map((raw) => (raw ? (JSON.parse(raw) as DeadLetter) : null));
    },

    async take(view, ids) {
      if (ids.length === 0) return [];
      // One MULTI: the read and the removal happen together, so a concurrent take finds the entries gone.
      const replies = await redis
        .multi()
        .hmget(keys.deadLetters(view), ...ids)
        .hdel(keys.deadLetters(view), ...ids)
        .zrem(keys.deadLetterIndex(view), ...ids)
        .exec();
      const [err, raws] = replies![0]!;
      if (err) throw err;
      return (raws as (string | null)[]).map((raw) => (raw ? (JSON.parse(raw) as DeadLetter) : null));
    },

    async putBack(view, entries) {
      if (entries.length === 0) return;
      const tx = redis.multi();
      for (const e of entries) {
        tx.hset(keys.deadLetters(view), e.id, JSON.stringify(e));
        tx.zadd(keys.deadLetterIndex(view), Date.parse(e.storedAt), e.id);
      }
      await tx.exec();
    },

    async removeAll(view) {
      await redis.del(keys.deadLetters(view), keys.deadLetterIndex(view));
    },
  };
  return store;
}
