import type { FeatureView } from '../../core/feature-view.js';
import type { RegisterResult, ViewRegistryStore } from '../../ports/view-registry.js';
import type { KeyLayout } from './keys.js';
import { sendAcked } from './replica-ack.js';
import type { EddyRedis } from './scripts.js';

export function redisViewRegistry(redis: EddyRedis, keys: KeyLayout): ViewRegistryStore {
  const parse = (raw: string | null) => (raw ? (JSON.parse(raw) as FeatureView) : null);
  // Tells the workers at once (view-changes.ts). Best effort: the change is stored, and the workers' next
  // discovery round finds it anyway, so a failed message never fails the request that made the change.
  const announce = (name: string) => redis.publish(keys.viewChanges(), name).catch(() => 0);
  return {
    async latestVersion(name) {
      const v = await redis.hget(keys.viewIndex(), name);
      return v === null ? null : Number(v);
    },
    async lastIssuedVersion(name) {
      return Number((await redis.hget(keys.viewVersionSeq(), name)) ?? 0);
    },
    async get(name, version) {
      return parse(await redis.hget(keys.viewVersions(name), String(version)));
    },
    async list() {
      const index = await redis.hgetall(keys.viewIndex());
      const names = Object.keys(index).sort();
      if (names.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const name of names) pipeline.hget(keys.viewVersions(name), index[name]!);
      const replies = (await pipeline.exec()) ?? [];
      return replies
        .map(([, raw]) => parse(raw as string | null))
        .filter((v): v is FeatureView => v !== null);
    },
    async register(view, mode, expectedIssued, expectedLatest): Promise<RegisterResult> {
      const result = (await sendAcked<string>(redis, redis.replicaAck, 'eddyRegisterVersion', [
        keys.viewIndex(),
        keys.viewVersionSeq(),
        keys.viewVersions(view.name),
        view.name,
        String(expectedIssued),
        String(view.version),
        JSON.stringify(view),
        mode,
        expectedLatest === null ? '' : String(expectedLatest),
      ])) as RegisterResult;
      if (result === 'ok') await announce(view.name);
      return result;
    },
    async replaceMetadata(view) {
      await redis.hset(keys.viewVersions(view.name), String(view.version), JSON.stringify(view));
    },
    async remove(name) {
      const removed = (await redis.hdel(keys.viewIndex(), name)) === 1;
      if (removed) await announce(name);
      return removed;
    },
  };
}
