import type { FeatureView } from '../../core/feature-view.js';
import type { RegisterResult, ViewRegistryStore } from '../../ports/view-registry.js';
import type { KeyLayout } from './keys.js';
import type { EddyRedis } from './scripts.js';

export function redisViewRegistry(redis: EddyRedis, keys: KeyLayout): ViewRegistryStore {
  const parse = (raw: string | null) => (raw ? (JSON.parse(raw) as FeatureView) : null);
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
      return (await redis.eddyRegisterVersion(
        keys.viewIndex(),
        keys.viewVersionSeq(),
        keys.viewVersions(view.name),
        view.name,
        String(expectedIssued),
        String(view.version),
        JSON.stringify(view),
        mode,
        expectedLatest === null ? '' : String(expectedLatest),
      )) as RegisterResult;
    },
    async replaceMetadata(view) {
      await redis.hset(keys.viewVersions(view.name), String(view.version), JSON.stringify(view));
    },
    async remove(name) {
      return (await redis.hdel(keys.viewIndex(), name)) === 1;
    },
  };
}
