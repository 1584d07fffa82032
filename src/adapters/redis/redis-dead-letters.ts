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

    async update(view, entry) {
      await redis.hset(keys.deadLetters(view), entry.id, JSON.stringify(entry));
    },

    async remove(view, ids) {
      if (ids.length === 0) return;
      await redis
        .multi()
        .hdel(keys.deadLetters(view), ...ids)
        .zrem(keys.deadLetterIndex(view), ...ids)
        .exec();
    },

    async removeAll(view) {
      await redis.del(keys.deadLetters(view), keys.deadLetterIndex(view));
    },
  };
  return store;
}
