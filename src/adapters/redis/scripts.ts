/**
 * Lua scripts. Each is atomic; every key it touches comes in KEYS and all of them share one hash tag
 * (see keys.ts), so each runs unchanged on Redis Cluster. Sequence numbers are compared as strings
 * (length, then bytes), never with tonumber: Kinesis sequence numbers have up to 128 digits.
 */
import type { Redis } from 'ioredis';
import { NO_REPLICA_ACK, type ReplicaAck } from './replica-ack.js';

const SEQ_GREATER = `
local function seq_greater(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
`;

/**
 * Counts one source batch into a view version's counters, once. KEYS[1] view counters hash.
 * ARGV: version, source, batchEnd, accepted, late, duplicate, lastEventTime (ms or ''), outcome JSON, and
 * optionally the batch's rejected records, its records before the start position and its filtered events. Besides the view version's totals it keeps per-source outcomes
 * (`<ver>:src:<outcome>:<source>`), under the same once-per-batch-end guard.
 * Returns 1 when counted, 0 when this batch end (or a later one) was counted before.
 */
export const COUNT_BATCH = `${SEQ_GREATER}
local ver, source, batch_end = ARGV[1], ARGV[2], ARGV[3]
local mark_field = ver .. ':mark:' .. source
local mark = redis.call('HGET', KEYS[1], mark_field) or ''
if not seq_greater(batch_end, mark) then return 0 end
redis.call('HINCRBY', KEYS[1], ver .. ':accepted', ARGV[4])
redis.call('HINCRBY', KEYS[1], ver .. ':late', ARGV[5])
redis.call('HINCRBY', KEYS[1], ver .. ':duplicate', ARGV[6])
if (ARGV[11] or '0') ~= '0' then redis.call('HINCRBY', KEYS[1], ver .. ':filtered', ARGV[11]) end
if ARGV[7] ~= '' then
  local last = tonumber(redis.call('HGET', KEYS[1], ver .. ':lastEventTime') or '-1e300')
  if tonumber(ARGV[7]) > last then redis.call('HSET', KEYS[1], ver .. ':lastEventTime', ARGV[7]) end
end
redis.call('HSET', KEYS[1], mark_field, batch_end, ver .. ':outcome:' .. source, ARGV[8])
local per_source = {
  accepted = ARGV[4], late = ARGV[5], duplicate = ARGV[6], rejected = ARGV[9] or '0',
  skippedBeforeStart = ARGV[10] or '0', filtered = ARGV[11] or '0',
}
for outcome, n in pairs(per_source) do
  if n ~= '0' then redis.call('HINCRBY', KEYS[1], ver .. ':src:' .. outcome .. ':' .. source, n) end
end
return 1
`;

/**
 * Stores dead letters idempotently and counts each new one as rejected. KEYS: dead-letter hash, index zset,
 * view counters. ARGV: version, max entries, then triples (id, score ms, entry JSON).
 * Returns {stored, dropped}: new entries, and oldest entries evicted to respect the cap.
 */
export const ADD_DEAD_LETTERS = `
local ver, max = ARGV[1], tonumber(ARGV[2])
local stored = 0
for i = 3, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
    stored = stored + 1
  end
end
if stored > 0 then redis.call('HINCRBY', KEYS[3], ver .. ':rejected', stored) end
local dropped = 0
local size = redis.call('ZCARD', KEYS[2])
if size > max then
  local old = redis.call('ZPOPMIN', KEYS[2], size - max)
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[1], old[i]) dropped = dropped + 1 end
  redis.call('HINCRBY', KEYS[3], 'deadLettersDropped', dropped)
end
return {stored, dropped}
`;

/**
 * Registers a new version of a view. KEYS: view index, version sequence, view versions hash.
 * ARGV: name, expected last issued version ('0' = none), new version, definition JSON, mode ('create' | 'put'),
 * expected latest version for 'put' ('' = view absent).
 * Returns 'ok', 'exists' (create on an existing view) or 'conflict' (a concurrent change; retry).
 */
export const REGISTER_VERSION = `
local seq = redis.call('HGET', KEYS[2], ARGV[1]) or '0'
if seq ~= ARGV[2] then return 'conflict' end
local latest = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if ARGV[5] == 'create' and latest ~= '' then return 'exists' end
if ARGV[5] == 'put' and latest ~= ARGV[6] then return 'conflict' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 'ok'
`;

type Arg = string | number | Buffer;

/** The scripts as typed ioredis commands (ioredis loads them by SHA and falls back to EVAL, pipelines too). */
export interface EddyCommands {
  eddyCountBatch(key: string, ...args: Arg[]): Promise<number>;
  eddyAddDeadLetters(dlq: string, index: string, counters: string, ...args: Arg[]): Promise<[number, number]>;
  eddyRegisterVersion(index: string, seq: string, versions: string, ...args: Arg[]): Promise<string>;
}

/** A connection with Eddy's scripts, and the replica acknowledgement its state writes wait for (replica-ack.ts). */
export type EddyRedis = Redis & EddyCommands & { readonly replicaAck: ReplicaAck };

export function defineEddyCommands(redis: Redis, ack: ReplicaAck = NO_REPLICA_ACK): EddyRedis {
  Object.defineProperty(redis, 'replicaAck', { value: ack, configurable: true });
  redis.defineCommand('eddyCountBatch', { numberOfKeys: 1, lua: COUNT_BATCH });
  redis.defineCommand('eddyAddDeadLetters', { numberOfKeys: 3, lua: ADD_DEAD_LETTERS });
  redis.defineCommand('eddyRegisterVersion', { numberOfKeys: 3, lua: REGISTER_VERSION });
  return redis as EddyRedis;
}
