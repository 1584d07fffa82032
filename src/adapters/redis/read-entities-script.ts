/**
 * The read path's conditional read of entity states: one script call for many entities, each sent with the
 * version the caller has cached, answered with nothing, "unchanged" or the version and the encoded state.
 */
import type { Redis } from 'ioredis';
import { groupBySlot, inKeyOrder, sendPerNode } from './slot-rule.js';

/**
 * KEYS: entity hashes. ARGV[i]: the `v` cached for KEYS[i] ('' for none). Returns, per key: nil (no state), 1
 * (unchanged: `v` is still ARGV[i]) or {v, d}.
 *
 * One call for a whole batch costs a fifth of a pipeline of per-entity calls. A call's keys share a slot
 * (slot-rule.ts): one call on one server, one per slot group on a Redis Cluster.
 */
const READ_ENTITIES = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HGET', key, 'v')
  if not v then out[i] = false
  elseif v == ARGV[i] then out[i] = 1
  else out[i] = {v, redis.call('HGET', key, 'd')} end
end
return out
`;

/** Per entity: null (no state), 1 (unchanged: still the version sent) or its version and encoded state. */
export type ReadEntityReply = 1 | [Buffer, Buffer | null] | null;

interface ReadCommands {
  /** numkeys, keys, then one known version per key. */
  eddyReadEntitiesBuffer(numKeys: number, ...args: string[]): Promise<ReadEntityReply[]>;
}

/** Reads `keys[i]` knowing `versions[i]` ('' = none); one reply per key, in order. */
export type ReadEntities = (keys: string[], versions: string[]) => Promise<ReadEntityReply[]>;

/** Defines the script on `redis` (once per connection, as `eddyReadEntities`) and returns its caller. */
export function readEntitiesScript(redis: Redis): ReadEntities {
  const r = redis as Redis & ReadCommands;
  if (typeof r.eddyReadEntitiesBuffer !== 'function')
    redis.defineCommand('eddyReadEntities', { lua: READ_ENTITIES });
  return async (keys, versions) => {
    const parts = groupBySlot(redis, keys, keys.length);
    if (parts.length === 1) return r.eddyReadEntitiesBuffer(keys.length, ...keys, ...versions);
    const replies = await sendPerNode<ReadEntityReply[]>(redis, keys, parts, (pipeline, part) =>
      (pipeline as unknown as ReadCommands).eddyReadEntitiesBuffer(
        part.length,
        ...part.map((i) => keys[i]!),
        ...part.map((i) => versions[i]!),
      ),
    );
    return inKeyOrder(parts, replies, keys.length);
  };
}
