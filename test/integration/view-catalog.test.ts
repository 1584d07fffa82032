/**
 * The view catalog of one process caches which version is latest for a moment. A version registered meanwhile by
 * another process must still resolve when asked for by number: the API accepts records for it at once, and a
 * worker that called it missing would drop them as records of a deleted view.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisViewRegistry } from '../../src/adapters/redis/redis-view-registry.js';
import type { EddyRedis } from '../../src/adapters/redis/scripts.js';
import type { FeatureViewSpec } from '../../src/core/feature-view.js';
import { viewCatalog } from '../../src/services/view-catalog.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

let redis: EddyRedis;
before(async () => {
  redis = connectRedis((await privateRedis()).url, 'worker');
});
after(() => redis.disconnect());

const spec = (field: string): FeatureViewSpec => ({
  name: 'cached',
  entityKey: 'id',
  source: { type: 'push' },
  features: [{ name: 's', agg: 'sum', field, window: '1m' }],
});

test('a version newer than the cached latest resolves; a version never registered is still missing', async () => {
  const keys = keyLayout(uniquePrefix());
  const api = viewCatalog(redisViewRegistry(redis, keys), { latestTtlMs: 60_000 });
  const worker = viewCatalog(redisViewRegistry(redis, keys), { latestTtlMs: 60_000 });
  await api.create(spec('x'));
  assert.equal((await worker.get('cached')).view.version, 1); // the worker now caches "latest is 1"

  const { view } = await api.put(spec('y'));
  assert.equal(view.version, 2);
  const seen = await worker.get('cached', 2);
  assert.equal(seen.view.version, 2);
  assert.deepEqual(seen.compiled.fields, ['y']);
  await assert.rejects(worker.get('cached', 3), { code: 'VERSION_NOT_FOUND' });
});
