/**
 * Exactly-once effect of batch application against a real Redis: a batch re-run after a crash at any point
 * (here: the process "dies" after some entity writes landed, before the batch was counted) applies nothing twice
 * and counts everything once. The crash is injected by a wrapper around the real Redis entity store that stops
 * after N writes: there is no way to kill a process between two pipeline replies deterministically.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisEntityStore } from '../../src/adapters/redis/redis-entity-store.js';
import { redisViewCounters } from '../../src/adapters/redis/redis-view-counters.js';
import type { EddyRedis } from '../../src/adapters/redis/scripts.js';
import { compileView } from '../../src/core/compile-view.js';
import { evaluate } from '../../src/core/engine.js';
import type { SequencedEvent } from '../../src/core/entity-batch.js';
import { resolveView } from '../../src/core/resolve-view.js';
import type { EntityStore } from '../../src/ports/entity-store.js';
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
      name: 'eo',
      entityKey: 'id',
      source: { type: 'push' },
      granularity: '1s',
      eventIdField: 'rid',
      features: [
        { name: 'n', agg: 'count', window: '1m' },
        { name: 's', agg: 'sum', field: 'x', window: '1m' },
      ],
    },
    1,
    new Date(0),
  ),
);

function batch(source: string, batchEnd: string, entities: number, perEntity: number): SourceBatch {
  const byEntity = new Map<string, SequencedEvent[]>();
  for (let e = 0; e < entities; e++) {
    byEntity.set(
      `e${e}`,
      Array.from({ length: perEntity }, (_, i) => ({ t: 1000 * i, values: { x: i + 1 }, seq: batchEnd })),
    );
  }
  return { source, batchEnd, byEntity };
}

/** Lets `budget` entity writes through, then fails like a dead connection. */
function crashingAfter(store: EntityStore, budget: number): EntityStore {
  let left = budget;
  return {
    load: store.load,
    release: store.release,
    async write(v, ver, writes, ttl) {
      const allowed = writes.slice(0, Math.max(0, left));
      left -= allowed.length;
      const landed = await store.write(v, ver, allowed, ttl);
      if (allowed.length < writes.length) throw new Error('Connection is closed.');
      return landed;
    },
  };
}

async function readAll(store: EntityStore, n: number) {
  const loaded = await store.load(
    'eo',
    1,
    Array.from({ length: n }, (_, i) => `e${i}`),
  );
  return loaded.map((l) => evaluate(view, l.stored!.state, 5000));
}

for (const budget of [0, 1, 7, 19]) {
  test(`a batch re-run after a crash following ${budget} entity writes applies and counts exactly once`, async () => {
    const keys = keyLayout(uniquePrefix());
    const store = redisEntityStore(redis, keys);
    const counters = redisViewCounters(redis, keys);
    const b1 = batch('p:0', '1', 20, 3);
    await assert.rejects(applySourceBatch({ entities: crashingAfter(store, budget), counters }, view, b1));
    const result = await applySourceBatch({ entities: store, counters }, view, b1);
    assert.equal(result.accepted, 60);
    // A third run (a stalled job run again) changes nothing.
    const again = await applySourceBatch({ entities: store, counters }, view, b1);
    assert.equal(again.accepted, 60);
    const c = await counters.read('eo', 1);
    assert.equal(c.accepted, 60);
    for (const values of await readAll(store, 20)) assert.deepEqual(values, { n: 3, s: 6 });
    // The next batch of the same source still applies.
    await applySourceBatch({ entities: store, counters }, view, batch('p:0', '2', 20, 1));
    assert.equal((await counters.read('eo', 1)).accepted, 80);
    for (const values of await readAll(store, 20)) assert.deepEqual(values, { n: 4, s: 7 });
  });
}

test('a re-read that batches records differently still applies each record once (Kinesis re-read)', async () => {
  const keys = keyLayout(uniquePrefix());
  const store = redisEntityStore(redis, keys);
  const counters = redisViewCounters(redis, keys);
  const ev = (seq: string, t: number): SequencedEvent => ({ t, values: { x: 1 }, seq });
  const firstEvents = new Map([['e0', [ev('5', 0), ev('10', 1000)]]]);
  const first: SourceBatch = { source: 'k:s:0', batchEnd: '10', byEntity: firstEvents };
  await assert.rejects(
    applySourceBatch({ entities: crashingAfter(store, 1), counters }, view, {
      ...first,
      byEntity: new Map([...firstEvents, ['e1', [ev('7', 0)]]]),
    }),
  );
  // The re-read returns the same records and more, in one larger batch.
  await applySourceBatch({ entities: store, counters }, view, {
    source: 'k:s:0',
    batchEnd: '20',
    byEntity: new Map([
      ['e0', [ev('5', 0), ev('10', 1000), ev('15', 2000)]],
      ['e1', [ev('7', 0)]],
    ]),
  });
  const c = await counters.read('eo', 1);
  assert.equal(c.accepted, 4);
  assert.equal(c.marks['k:s:0'], '20');
  const [e0, e1] = await readAll(store, 2);
  assert.deepEqual(e0, { n: 3, s: 3 });
  assert.deepEqual(e1, { n: 1, s: 1 });
});

test('concurrent writers to one entity (two sources) never lose an update', async () => {
  const keys = keyLayout(uniquePrefix());
  const store = redisEntityStore(redis, keys);
  const counters = redisViewCounters(redis, keys);
  const runs = Array.from({ length: 8 }, (_, s) =>
    applySourceBatch({ entities: store, counters }, view, {
      source: `k:s:${s}`,
      batchEnd: '1',
      byEntity: new Map([['e0', [{ t: 0, values: { x: 1 }, seq: '1' }]]]),
    }),
  );
  await Promise.all(runs);
  const [e0] = await readAll(store, 1);
  assert.deepEqual(e0, { n: 8, s: 8 });
  assert.equal((await counters.read('eo', 1)).accepted, 8);
});
