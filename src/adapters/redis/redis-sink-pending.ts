import type { Redis } from 'ioredis';
import type { SentMemo } from '../../core/sagemaker-write-plan.js';
import type { PendingEntity, SinkPendingSet } from '../../ports/sagemaker-sink-store.js';
import type { KeyLayout } from './keys.js';
import { withSinkCommands } from './sagemaker-sink-scripts.js';

/** Members are `<version>:<entity>`; the entity is stored raw (zset members are binary-safe). */
export const pendingMember = (version: number, entity: string) => `${version}:${entity}`;

export function parsePendingMember(member: string): { version: number; entity: string } {
  const at = member.indexOf(':');
  return { version: Number(member.slice(0, at)), entity: member.slice(at + 1) };
}

/**
 * The sink's pending set and drain arm (scripts in sagemaker-sink-scripts.ts). `armTtlMs`: how long an arm
 * lasts without its drain refreshing it, so a drain lost with its process cannot block the view for long.
 */
export function redisSinkPending(redis: Redis, keys: KeyLayout, armTtlMs: number): SinkPendingSet {
  const r = withSinkCommands(redis);
  const tri = (view: string) => [keys.sinkPending(view), keys.sinkSeq(view), keys.sinkArmed(view)] as const;
  return {
    async mark(view, version, entities) {
      if (entities.length === 0) return 0;
      return r.eddySinkMark(...tri(view), armTtlMs, ...entities.map((e) => pendingMember(version, e)));
    },
    armIfPending: (view) => r.eddySinkArmIfPending(...tri(view), armTtlMs),
    async claim(view, arm) {
      return (await r.eddySinkClaim(keys.sinkArmed(view), arm, armTtlMs)) === 1;
    },
    release: (view, arm, handOff) => r.eddySinkRelease(...tri(view), arm, handOff ? '1' : '0', armTtlMs),
    async scan(view, after, limit): Promise<PendingEntity[]> {
      const flat = await r.zrangebyscore(
        keys.sinkPending(view),
        `(${after}`,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        0,
        limit,
      );
      const out: PendingEntity[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const member = flat[i]!;
        out.push({ ...parsePendingMember(member), member, generation: Number(flat[i + 1]) });
      }
      return out;
    },
    async generation(view, member) {
      const g = await r.zscore(keys.sinkPending(view), member);
      return g === null ? null : Number(g);
    },
    async settle(view, member, generation) {
      return (await r.eddySinkSettle(keys.sinkPending(view), member, generation)) === 1;
    },
    count: (view) => r.zcard(keys.sinkPending(view)),
    async memo(view, version, entity) {
      const raw = await r.get(keys.sinkSent(view, version, entity));
      return raw ? (JSON.parse(raw) as SentMemo) : null;
    },
    async setMemo(view, version, entity, memo, ttlMs) {
      const key = keys.sinkSent(view, version, entity);
      if (memo === null) await r.del(key);
      else await r.set(key, JSON.stringify(memo), 'PX', ttlMs);
    },
  };
}
