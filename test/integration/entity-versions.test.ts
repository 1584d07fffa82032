/**
 * The worker side of entity versions against a real Redis: a cached state is never taken for a state written
 * after it expired. States stored before versions had an epoch stay readable.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisEntityStore } from '../../src/adapters/redis/redis-entity-store.js';
import { redisViewCounters } from '../../src/adapters/redis/redis-view-counters.js';
import type { EddyRedis } from '../../src/adapters/redis/scripts.js';
import { encodeEntity } from '../../src/adapters/redis/state-codec.js';
import { compileView } from '../../src/core/compile-view.js';
import { applyEvents, evaluate } from '../../src/core/engine.js';
import { newStoredEntity, type SequencedEvent } from '../../src/core/entity-batch.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { applySourceBatch, type SourceBatch } from '../../src/services/apply-source-batch.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

let redis: EddyRedis;
before(async () => {
  redis = connectRedis((await privateRedis()).url, 'worker');
});
after(() => redis.disconnect());

const view = compileView(
  resolveView(
    {
      name: 'ver',
      entityKey: 'id',
      source: { type: 'push' },
      granularity: '1s',
      features: [
        { name: 'n', agg: 'count', window: '1m' },
        { name: 's', agg: 'sum', field: 'x', window: '1m' },
      ],
    },
    1,
    new Date(0),
  ),
);

const CACHE = { cacheBytes: 1 << 20 };

/** One batch of `source` ending at `batchEnd`: per entity, its `x` values (sequence numbers default to the end). */
function batch(
  source: string,
  batchEnd: string,
  values: Record<string, number[]>,
  seq = batchEnd,
): SourceBatch {
  const byEntity = new Map<string, SequencedEvent[]>();
  for (const [entity, xs] of Object.entries(values))
    byEntity.set(
      entity,
      xs.map((x, i) => ({ t: 1000 * i, values: { x }, seq })),
    );
  return { source, batchEnd, byEntity };
}

/** The entity's feature values as Redis holds them (read with a store that caches nothing). */
async function valuesInRedis(prefix: string, entity: string) {
  const [loaded] = await redisEntityStore(redis, keyLayout(prefix)).load('ver', 1, [entity]);
  return loaded?.stored ? evaluate(view, loaded.stored.s, 5000) : null;
}

test('a worker holding a cached state cannot overwrite a state written after that one expired', async () => {
  const prefix = uniquePrefix();
  const keys = keyLayout(prefix);
  const counters = redisViewCounters(redis, keys);
  const shortLived = { ...view, ttlMs: 300 };
  const workerA = redisEntityStore(redis, keys, CACHE);
  const workerB = redisEntityStore(redis, keys, CACHE);

  await applySourceBatch({ entities: workerA, counters }, shortLived, batch('p:0', '1', { e0: [1] }));
  await sleep(600); // the state expires; worker A still caches it
  assert.equal(await valuesInRedis(prefix, 'e0'), null);
  await applySourceBatch({ entities: workerB, counters }, shortLived, batch('p:1', '1', { e0: [10] }));
  await applySourceBatch({ entities: workerA, counters }, shortLived, batch('p:0', '2', { e0: [100] }));

  // B's state plus A's second batch; the expired state (x = 1) is gone.
  assert.deepEqual(await valuesInRedis(prefix, 'e0'), { n: 2, s: 110 });
});

test('a state stored with a version from before epochs is read, and its next write starts an epoch', async () => {
  const prefix = uniquePrefix();
  const keys = keyLayout(prefix);
  const stored = newStoredEntity();
  applyEvents(view, stored.s, [{ t: 0, values: { x: 4 } }]);
  await redis.hset(keys.entity('ver', 1, 'old'), 'v', '7', 'd', encodeEntity(stored));

  const store = redisEntityStore(redis, keys);
  const counters = redisViewCounters(redis, keys);
  await applySourceBatch({ entities: store, counters }, view, batch('p:0', '1', { old: [5] }));
  assert.deepEqual(await valuesInRedis(prefix, 'old'), { n: 2, s: 9 });
  const version = await redis.hget(keys.entity('ver', 1, 'old'), 'v');
  assert.match(version!, /^\d+\.1$/);
  assert.equal(await redis.get(keys.entityVersion('ver', 1, 'old')), version);
});
