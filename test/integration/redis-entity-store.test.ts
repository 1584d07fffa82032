/**
 * The worker side of entity versions against a real Redis: a cached state is never taken for a state written
 * after it expired, a stale run of a batch cannot rewrite a later batch's pending outcome, and a cached state
 * that a batch left unchanged stays usable. States stored before versions had an epoch stay readable.
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
import type { EntityStore } from '../../src/ports/entity-store.js';
import type { ViewCounters } from '../../src/ports/view-counters.js';
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
  return loaded?.stored ? evaluate(view, loaded.stored.state, 5000) : null;
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

/** An entity store whose loads wait until `open` is called; `reached` resolves at the first load. */
function gatedLoads(store: EntityStore) {
  let open!: () => void;
  let reach!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const entities: EntityStore = {
    ...store,
    async load(v, ver, list) {
      reach();
      await gate;
      return store.load(v, ver, list);
    },
  };
  return { entities, reached, open };
}

/** Counters that crash (like a dead connection) when asked to count a batch. */
const crashingCount = (counters: ViewCounters): ViewCounters => ({
  ...counters,
  countBatch: () => Promise.reject(new Error('Connection is closed.')),
});

test('a stale run of batch N after batch N+1 wrote the entity leaves N+1 to be counted in full', async () => {
  const keys = keyLayout(uniquePrefix());
  const store = redisEntityStore(redis, keys);
  const counters = redisViewCounters(redis, keys);
  const n = batch('p:0', '1', { e0: [1, 2] });
  const next = batch('p:0', '2', { e0: [3, 4, 5] });

  // The first run of N reads the view's mark, then stalls before loading its entities.
  const stalled = gatedLoads(store);
  const staleRun = applySourceBatch({ entities: stalled.entities, counters }, view, n);
  await stalled.reached;
  // Meanwhile N is run again and counted; N+1 writes the entity and crashes before counting.
  await applySourceBatch({ entities: store, counters }, view, n);
  await assert.rejects(applySourceBatch({ entities: store, counters: crashingCount(counters) }, view, next));
  // The stale run goes on, then N+1 is run again.
  stalled.open();
  await staleRun;
  await applySourceBatch({ entities: store, counters }, view, next);

  const c = await counters.read('ver', 1);
  assert.equal(c.accepted, 5);
  assert.equal(c.marks['p:0'], '2');
  assert.deepEqual(await valuesInRedis(keys.prefix, 'e0'), { n: 5, s: 15 });
});

test('a stale run of jobs applied together, ending past the runs that counted them, counts each record once', async () => {
  const keys = keyLayout(uniquePrefix());
  const store = redisEntityStore(redis, keys);
  const counters = redisViewCounters(redis, keys);
  const event = (x: number, seq: string): SequencedEvent => ({ t: 1000 * x, values: { x }, seq });
  // Jobs 1, 2 and 3 of a lane applied together as one batch ending at 3, by a run that then stalls.
  const together: SourceBatch = {
    source: 'p:0',
    batchEnd: '3',
    byEntity: new Map([['e0', [event(1, '1'), event(2, '2'), event(3, '3')]]]),
  };
  const stalled = gatedLoads(store);
  const staleRun = applySourceBatch({ entities: stalled.entities, counters }, view, together);
  await stalled.reached;
  // Meanwhile the jobs run again one by one: 1 and 2 are applied and counted.
  for (const [seq, x] of [
    ['1', 1],
    ['2', 2],
  ] as const) {
    const one: SourceBatch = { source: 'p:0', batchEnd: seq, byEntity: new Map([['e0', [event(x, seq)]]]) };
    await applySourceBatch({ entities: store, counters }, view, one);
  }
  // The stale run goes on: it must not carry job 2's counted outcome into its own count.
  stalled.open();
  await staleRun;
  const last: SourceBatch = { source: 'p:0', batchEnd: '3', byEntity: new Map([['e0', [event(3, '3')]]]) };
  await applySourceBatch({ entities: store, counters }, view, last);

  const c = await counters.read('ver', 1);
  assert.equal(c.accepted, 3);
  assert.equal(c.marks['p:0'], '3');
  assert.deepEqual(await valuesInRedis(keys.prefix, 'e0'), { n: 3, s: 6 });
});

/** Script calls Redis has run so far (the entity store's load and write are scripts). */
async function scriptCalls(): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(m[1]);
  return calls;
}

test('a cached state that a batch left unchanged is served from the cache again', async () => {
  const keys = keyLayout(uniquePrefix());
  const store = redisEntityStore(redis, keys, CACHE);
  const counters = redisViewCounters(redis, keys);
  await applySourceBatch({ entities: store, counters }, view, batch('p:0', '1', { e0: [1], e1: [1] }));
  // A re-read batch: e0's record was applied before (e0 unchanged), e1 gets a new one.
  const reread: SourceBatch = {
    source: 'p:0',
    batchEnd: '2',
    byEntity: new Map([
      ['e0', [{ t: 0, values: { x: 1 }, seq: '1' }]],
      ['e1', [{ t: 1000, values: { x: 2 }, seq: '2' }]],
    ]),
  };
  await applySourceBatch({ entities: store, counters }, view, reread);

  const before = await scriptCalls();
  const [e0] = await store.load('ver', 1, ['e0']);
  assert.equal(await scriptCalls(), before, 'e0 was loaded from Redis, not from the cache');
  assert.deepEqual(evaluate(view, e0!.stored!.state, 5000), { n: 1, s: 1 });
  assert.equal((await counters.read('ver', 1)).accepted, 3);
});

test('a state stored with a version from before epochs is read, and its next write starts an epoch', async () => {
  const prefix = uniquePrefix();
  const keys = keyLayout(prefix);
  const stored = newStoredEntity();
  applyEvents(view, stored.state, [{ t: 0, values: { x: 4 } }]);
  await redis.hset(keys.entity('ver', 1, 'old'), 'v', '7', 'd', encodeEntity(stored));

  const store = redisEntityStore(redis, keys);
  const counters = redisViewCounters(redis, keys);
  await applySourceBatch({ entities: store, counters }, view, batch('p:0', '1', { old: [5] }));
  assert.deepEqual(await valuesInRedis(prefix, 'old'), { n: 2, s: 9 });
  const version = await redis.hget(keys.entity('ver', 1, 'old'), 'v');
  assert.match(version!, /^\d+\.1$/);
  assert.equal(await redis.get(keys.entityVersion('ver', 1, 'old')), version);
});
