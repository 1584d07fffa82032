import type { DeadLetter, DeadLetterPage, DeadLetterStore } from '../../ports/dead-letters.js';
import type { KeyLayout } from './keys.js';
import { sendAcked } from './replica-ack.js';
import type { EddyRedis } from './scripts.js';

/**
 * Dead letters per view: a hash id -> entry and a sorted set of ids by store time (for paging).
 * Capped at `maxEntries` per view: beyond it the oldest entries are evicted and counted (`deadLettersDropped`).
 *
 * A replay claims its entries (moved, in one script, into a claims hash stamped with Redis time), queues their
 * records, then settles the claims; a replay that dies in between leaves claims that `recoverClaims` returns to
 * the store. So a dead letter is never lost: at worst a replay that died right after queueing is replayed again
 * (a view with `eventIdField` then counts those records as duplicates).
 */
export function redisDeadLetters(redis: EddyRedis, keys: KeyLayout, maxEntries: number): DeadLetterStore {
  defineClaimCommands(redis);
  const claimKeys = (view: string) =>
    [
      keys.deadLetters(view),
      keys.deadLetterIndex(view),
      keys.deadLetterClaims(view),
      keys.deadLetterClaimTimes(view),
    ] as const;
  const store: DeadLetterStore = {
    async add(view, version, entries) {
      if (entries.length === 0) return 0;
      const args: (string | number)[] = [version, maxEntries];
      for (const e of entries) args.push(e.id, Date.parse(e.storedAt), JSON.stringify(e));
      const [stored] = await sendAcked<[number, number]>(redis, redis.replicaAck, 'eddyAddDeadLetters', [
        keys.deadLetters(view),
        keys.deadLetterIndex(view),
        keys.viewCounters(view),
        ...args,
      ]);
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

    async claim(view, ids) {
      if (ids.length === 0) return [];
      const raws = await (redis as EddyRedis & ClaimCommands).eddyClaimDeadLetters(
        ...claimKeys(view),
        ...ids,
      );
      return raws.map((raw) => (raw ? (JSON.parse(raw) as DeadLetter) : null));
    },

    async settle(view, ids) {
      if (ids.length === 0) return;
      await redis
        .multi()
        .hdel(keys.deadLetterClaims(view), ...ids)
        .zrem(keys.deadLetterClaimTimes(view), ...ids)
        .exec();
    },

    async putBack(view, entries) {
      if (entries.length === 0) return;
      const tx = redis.multi();
      for (const e of entries) {
        tx.hset(keys.deadLetters(view), e.id, JSON.stringify(e));
        tx.zadd(keys.deadLetterIndex(view), Date.parse(e.storedAt), e.id);
      }
      const ids = entries.map((e) => e.id);
      tx.hdel(keys.deadLetterClaims(view), ...ids).zrem(keys.deadLetterClaimTimes(view), ...ids);
      await tx.exec();
    },

    async recoverClaims(view, olderThanMs) {
      return (redis as EddyRedis & ClaimCommands).eddyRecoverDeadLetterClaims(
        ...claimKeys(view),
        olderThanMs,
      );
    },

    async removeAll(view) {
      await redis.del(...claimKeys(view));
    },
  };
  return store;
}

/**
 * KEYS: dlq, dlq-index, claims, claim-times. ARGV: ids. Returns each entry (or false), now claimed; a claim keeps
 * the entry's index score, `<score>\n<entry>`.
 */
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i, id in ipairs(ARGV) do
  local raw = redis.call('HGET', KEYS[1], id)
  out[i] = raw
  if raw then
    local score = redis.call('ZSCORE', KEYS[2], id) or '0'
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('HSET', KEYS[3], id, score .. '\\n' .. raw)
    redis.call('ZADD', KEYS[4], now, id)
  end
end
return out
`;

/** KEYS: dlq, dlq-index, claims, claim-times. ARGV: age in ms. Returns claims older than that to the store. */
const RECOVER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, 1000)
for _, id in ipairs(ids) do
  local claimed = redis.call('HGET', KEYS[3], id)
  if claimed then
    local cut = string.find(claimed, '\\n', 1, true)
    redis.call('HSET', KEYS[1], id, string.sub(claimed, cut + 1))
    redis.call('ZADD', KEYS[2], string.sub(claimed, 1, cut - 1), id)
  end
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
return #ids
`;

interface ClaimCommands {
  eddyClaimDeadLetters(...args: (string | number)[]): Promise<(string | null)[]>;
  eddyRecoverDeadLetterClaims(...args: (string | number)[]): Promise<number>;
}

function defineClaimCommands(redis: EddyRedis): void {
  if (typeof (redis as EddyRedis & Partial<ClaimCommands>).eddyClaimDeadLetters === 'function') return;
  redis.defineCommand('eddyClaimDeadLetters', { numberOfKeys: 4, lua: CLAIM });
  redis.defineCommand('eddyRecoverDeadLetterClaims', { numberOfKeys: 4, lua: RECOVER });
}
