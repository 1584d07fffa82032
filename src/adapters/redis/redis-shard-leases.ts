/**
 * Shard leases as plain Redis keys: `SET key owner NX PX ttl` takes a free lease, and small scripts renew or
 * release it only for its holder (compare-and-expire / compare-and-delete). Live processes are a sorted set
 * scored by heartbeat expiry in Redis server time, so the clocks of the worker machines never matter.
 * Every take of a lease increments its generation (a key that never expires): batches carry it as a fencing
 * token, so a reader that lost its lease without noticing cannot have a batch applied
 * (services/apply-kinesis-batch.ts). Each script touches keys of one hash tag, so all run unchanged on Redis
 * Cluster.
 */
import type { Redis } from 'ioredis';
import type { ShardLeases } from '../../ports/shard-leases.js';
import type { KeyLayout } from './keys.js';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
/** KEYS: lease, its generation. ARGV: owner, ttl ms. Returns the lease's generation when we hold it, else 0. */
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('INCR', KEYS[2])
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
/**
 * KEYS[1] process set (scored by heartbeat expiry). ARGV: process id, ttl ms. Returns the ids heard from within
 * the last half ttl: processes beat every third of it, so a process missing from the answer has missed a beat
 * and is probably gone, even though its entry (and its leases) live on until they expire.
 */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
return redis.call('ZRANGEBYSCORE', KEYS[1], now + math.floor(ttl / 2), '+inf')
`;

export function redisShardLeases(redis: Redis, keys: KeyLayout): ShardLeases {
  return {
    async heartbeat(processId, ttlMs) {
      return (await redis.eval(HEARTBEAT, 1, keys.kinesisProcesses(), processId, ttlMs)) as string[];
    },
    async leave(processId) {
      await redis.zrem(keys.kinesisProcesses(), processId);
    },
    async acquire(stream, shardId, owner, ttlMs) {
      const lease = keys.kinesisLease(stream, shardId);
      const generation = keys.kinesisLeaseGeneration(stream, shardId);
      const taken = (await redis.eval(ACQUIRE, 2, lease, generation, owner, ttlMs)) as number;
      return taken > 0 ? taken : null;
    },
    async generation(stream, shardId) {
      return Number((await redis.get(keys.kinesisLeaseGeneration(stream, shardId))) ?? 0);
    },
    async renew(stream, shardId, owner, ttlMs) {
      return (await redis.eval(RENEW, 1, keys.kinesisLease(stream, shardId), owner, ttlMs)) === 1;
    },
    async release(stream, shardId, owner) {
      await redis.eval(RELEASE, 1, keys.kinesisLease(stream, shardId), owner);
    },
    async owners(stream, shardIds) {
      if (shardIds.length === 0) return [];
      // Every lease key of a stream shares the stream's hash tag, so one MGET is Cluster-safe.
      return redis.mget(...shardIds.map((id) => keys.kinesisLease(stream, id)));
    },
  };
}
