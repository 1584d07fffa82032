/**
 * Shard list, reader progress and "finished" marks in Redis (see ports/shard-store.ts). A view version's finished
 * mark for a source is a field of its counters hash (`<version>:finished:<source>`), next to its marks, and so is
 * its shard start (`<version>:start:<source>`).
 */
import type { Redis } from 'ioredis';
import type { ShardProgress, ShardStore, StoredShard } from '../../ports/shard-store.js';
import type { KeyLayout } from './keys.js';

export function redisShardStore(redis: Redis, keys: KeyLayout): ShardStore {
  return {
    async saveShards(stream, shards) {
      if (shards.length === 0) return;
      await redis.hset(
        keys.kinesisShards(stream),
        Object.fromEntries(shards.map((s) => [s.shardId, JSON.stringify(s)])),
      );
    },
    async shards(stream) {
      const all = await redis.hgetall(keys.kinesisShards(stream));
      return Object.values(all)
        .map((v) => JSON.parse(v) as StoredShard)
        .sort((a, b) => a.shardId.localeCompare(b.shardId));
    },
    async progress(stream, shardIds) {
      if (shardIds.length === 0) return [];
      const values = await redis.hmget(keys.kinesisProgress(stream), ...shardIds);
      return values.map((v) => (v ? (JSON.parse(v) as ShardProgress) : null));
    },
    async saveProgress(stream, shardId, progress) {
      await redis.hset(keys.kinesisProgress(stream), shardId, JSON.stringify(progress));
    },
    async finished(refs) {
      if (refs.length === 0) return [];
      // One command per view (views' counters are in different slots on a Redis Cluster).
      const replies = await Promise.all(
        refs.map((r) => redis.hexists(keys.viewCounters(r.view), `${r.version}:finished:${r.source}`)),
      );
      return replies.map((value) => value === 1);
    },
    async markFinished(view, version, source) {
      await redis.hset(keys.viewCounters(view), `${version}:finished:${source}`, '1');
    },
    async shardStarts(refs) {
      if (refs.length === 0) return [];
      return Promise.all(
        refs.map((r) => redis.hget(keys.viewCounters(r.view), startField(r.version, r.source))),
      );
    },
    async recordShardStart(view, version, source, seq) {
      const key = keys.viewCounters(view);
      const field = startField(version, source);
      const replies = (await redis.multi().hsetnx(key, field, seq).hget(key, field).exec()) ?? [];
      const [err, stored] = replies[1] ?? [new Error('no reply')];
      if (err) throw err;
      return stored as string;
    },
  };
}

const startField = (version: number, source: string) => `${version}:start:${source}`;
