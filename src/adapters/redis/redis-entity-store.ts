import type { EntityStore, EntityWrite, VersionedEntity } from '../../ports/entity-store.js';
import type { KeyLayout } from './keys.js';
import type { EddyPipelineCommands, EddyRedis } from './scripts.js';
import { decodeEntity, encodeEntity } from './state-codec.js';

/** Entity state as a hash `{v, d}` per entity; writes are compare-and-set on `v` (scripts.ts CAS_ENTITY). */
export function redisEntityStore(redis: EddyRedis, keys: KeyLayout): EntityStore {
  return {
    async load(view, version, entities): Promise<VersionedEntity[]> {
      if (entities.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const entity of entities) pipeline.hmgetBuffer(keys.entity(view, version, entity), 'v', 'd');
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([err, reply]) => {
        if (err) throw err;
        const [v, d] = reply as [Buffer | null, Buffer | null];
        return { cas: v ? v.toString() : '', stored: d ? decodeEntity(d) : null };
      });
    },

    async write(view, version, writes: readonly EntityWrite[], ttlMs): Promise<boolean[]> {
      if (writes.length === 0) return [];
      const pipeline = redis.pipeline() as unknown as EddyPipelineCommands &
        ReturnType<EddyRedis['pipeline']>;
      for (const w of writes) {
        pipeline.eddyCasEntity(
          keys.entity(view, version, w.entity),
          w.expected,
          encodeEntity(w.stored),
          ttlMs,
        );
      }
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([err, reply]) => {
        if (err) throw err;
        return reply === 1;
      });
    },
  };
}
