/**
 * Lua scripts of the SageMaker sink. Each is atomic and touches keys of one view's hash tag only (keys.ts), so
 * each runs unchanged on Redis Cluster. Generations and arm ids come from one per-view counter, so they are
 * unique and grow; as zset scores they stay exact (< 2^53).
 */
import type { Redis } from 'ioredis';

/**
 * KEYS: pending zset, seq, armed. ARGV: arm ttl ms, then members. Gives every member a fresh generation, then arms
 * the drain unless armed. Returns the new arm id, or 0 when a drain was armed already.
 */
const MARK = `
local n = #ARGV - 1
local last = redis.call('INCRBY', KEYS[2], n)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], last - n + i - 1, ARGV[i]) end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local arm = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3], arm, 'PX', ARGV[1])
return arm
`;

/** KEYS: pending, seq, armed. ARGV: ttl ms. Arms when something is pending and nothing is armed; arm id or 0. */
const ARM_IF_PENDING = `
if redis.call('ZCARD', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local arm = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3], arm, 'PX', ARGV[1])
return arm
`;

/** KEYS: armed. ARGV: arm id, ttl ms. Takes or refreshes the arm unless another holds it; 1 or 0. */
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/**
 * KEYS: pending, seq, armed. ARGV: arm id, hand off ('1'/'0'), ttl ms. Returns -1 (not our arm), 0 (nothing
 * pending: disarmed), -2 (pending, keep draining) or a new arm id (pending, handed off).
 */
const RELEASE = `
local cur = redis.call('GET', KEYS[3])
if cur and cur ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[3])
  return 0
end
if ARGV[2] ~= '1' then return -2 end
local arm = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3], arm, 'PX', ARGV[3])
return arm
`;

/** KEYS: pending. ARGV: member, generation. Removes the member if its generation is unchanged; 1 or 0. */
const SETTLE = `
local g = redis.call('ZSCORE', KEYS[1], ARGV[1])
if g and tonumber(g) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
`;

/**
 * KEYS: dead-letter hash, index, stats. ARGV: id, failed-at ms, entry JSON, max entries. Stores or replaces the
 * entity's entry, counts it, evicts the oldest beyond the cap (counted as `deadLettersDropped`).
 */
const ADD_DEAD_LETTER = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], 'deadLettered', 1)
local size = redis.call('ZCARD', KEYS[2])
local max = tonumber(ARGV[4])
if size > max then
  local old = redis.call('ZPOPMIN', KEYS[2], size - max)
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[1], old[i]) end
  redis.call('HINCRBY', KEYS[3], 'deadLettersDropped', #old / 2)
end
return 1
`;

type Arg = string | number;

export interface SinkCommands {
  eddySinkMark(pending: string, seq: string, armed: string, ...args: Arg[]): Promise<number>;
  eddySinkArmIfPending(pending: string, seq: string, armed: string, ttlMs: number): Promise<number>;
  eddySinkClaim(armed: string, arm: number, ttlMs: number): Promise<number>;
  eddySinkRelease(
    pending: string,
    seq: string,
    armed: string,
    arm: number,
    handOff: string,
    ttlMs: number,
  ): Promise<number>;
  eddySinkSettle(pending: string, member: string, generation: number): Promise<number>;
  eddySinkAddDeadLetter(dlq: string, index: string, stats: string, ...args: Arg[]): Promise<number>;
}

export type SinkRedis = Redis & SinkCommands;

/** Defines the sink's scripts on a connection (idempotent); ioredis runs them by SHA with an EVAL fallback. */
export function withSinkCommands(redis: Redis): SinkRedis {
  const r = redis as SinkRedis;
  if (typeof r.eddySinkMark === 'function') return r;
  redis.defineCommand('eddySinkMark', { numberOfKeys: 3, lua: MARK });
  redis.defineCommand('eddySinkArmIfPending', { numberOfKeys: 3, lua: ARM_IF_PENDING });
  redis.defineCommand('eddySinkClaim', { numberOfKeys: 1, lua: CLAIM });
  redis.defineCommand('eddySinkRelease', { numberOfKeys: 3, lua: RELEASE });
  redis.defineCommand('eddySinkSettle', { numberOfKeys: 1, lua: SETTLE });
  redis.defineCommand('eddySinkAddDeadLetter', { numberOfKeys: 3, lua: ADD_DEAD_LETTER });
  return r;
}
