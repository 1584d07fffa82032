/**
 * The read path's cached entity states (src/adapters/redis/redis-entity-snapshots.ts) against a real Redis:
 * a read sees every write that completed before it, unchanged entities come from the cache (the same object),
 * the budget evicts without changing answers, and a burst of reads of a cold entity shares one decoded state.
 * States are written through the real entity store (the compare-and-set script), as the workers write them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisEntitySnapshots } from '../../src/adapters/redis/redis-entity-snapshots.js';
import { redisEntityStore } from '../../src/adapters/redis/redis-entity-store.js';
import type { EddyRedis } from '../../src/adapters/redis/scripts.js';
import { compileView } from '../../src/core/compile-view.js';
import { applyEvents } from '../../src/core/engine.js';
import { newStoredEntity } from '../../src/core/entity-batch.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

let request: EddyRedis;
let worker: EddyRedis;
before(async () => {
  const { url } = await privateRedis();
  request = connectRedis(url, 'request');
  worker = connectRedis(url, 'worker');
});
after(() => {
  request.disconnect();
  worker.disconnect();
});

const view = compileView(
  resolveView(
    {
      name: 'snap',
      entityKey: 'id',
      source: { type: 'push' },
      granularity: '1s',
      features: [{ name: 's', agg: 'sum', field: 'x', window: '10m' }],
    },
    1,
    new Date(0),
  ),
);

/** Sets an entity's state to `events` values of x at t = 1000 * i, through the compare-and-set write. */
async function put(prefix: string, entity: string, xs: number[]) {
  const store = redisEntityStore(worker, keyLayout(prefix));
  const [current] = await store.load('snap', 1, [entity]);
  const stored = current!.stored ?? newStoredEntity();
  applyEvents(
    view,
    stored.state,
    xs.map((x, i) => ({ t: (stored.state.arrivals + i) * 1000, values: { x } })),
  );
  const [ok] = await store.write('snap', 1, [{ entity, expected: current!.cas, stored }], 60_000);
  assert.equal(ok, true);
}

test('a read sees every completed write; unchanged entities come back as the same cached object', async () => {
  const prefix = uniquePrefix();
  const snapshots = redisEntitySnapshots(request, keyLayout(prefix), { maxBytes: 1 << 20 });
  assert.deepEqual(await snapshots.read('snap', 1, ['a', 'b']), [null, null]);

  await put(prefix, 'a', [1, 2]);
  const [a1, b1] = await snapshots.read('snap', 1, ['a', 'b']);
  assert.equal(a1!.arrivals, 2);
  assert.equal(b1, null);
  const [a2] = await snapshots.read('snap', 1, ['a']);
  assert.equal(a2, a1, 'unchanged: the cached object');

  await put(prefix, 'a', [3]);
  const [a3] = await snapshots.read('snap', 1, ['a']);
  assert.notEqual(a3, a1);
  assert.equal(a3!.arrivals, 3);

  // Expiry removes the state and its version key together (the same expiry, set in the same script).
  const keys = keyLayout(prefix);
  await worker.del(keys.entity('snap', 1, 'a'), keys.entityVersion('snap', 1, 'a'));
  assert.deepEqual(await snapshots.read('snap', 1, ['a']), [null]);
});

test('the version key copies the state hash version, with the same expiry', async () => {
  const prefix = uniquePrefix();
  const keys = keyLayout(prefix);
  await put(prefix, 'a', [1]);
  await put(prefix, 'a', [2]);
  const state = keys.entity('snap', 1, 'a');
  const version = keys.entityVersion('snap', 1, 'a');
  assert.equal(await worker.get(version), await worker.hget(state, 'v'));
  assert.match((await worker.get(version))!, /^\d+\.2$/, 'the second version of the state');
  const [stateTtl, versionTtl] = [await worker.pttl(state), await worker.pttl(version)];
  assert.ok(stateTtl > 59_000 && stateTtl <= 60_000, `state expires in ${stateTtl} ms`);
  assert.ok(Math.abs(stateTtl - versionTtl) < 50, `state ${stateTtl} ms vs version ${versionTtl} ms`);
});

test('a state without a version key (written before it existed) is still read, and current after a write', async () => {
  const prefix = uniquePrefix();
  const keys = keyLayout(prefix);
  const snapshots = redisEntitySnapshots(request, keys, { maxBytes: 1 << 20 });
  await put(prefix, 'old', [1, 2]);
  const [first] = await snapshots.read('snap', 1, ['old']);
  assert.equal(first!.arrivals, 2);
  await worker.del(keys.entityVersion('snap', 1, 'old'));
  const [cached] = await snapshots.read('snap', 1, ['old']);
  assert.equal(cached, first, 'no version key: the script still finds the cached version current');
  await put(prefix, 'old', [3]);
  const written = await worker.hget(keys.entity('snap', 1, 'old'), 'v');
  assert.equal(await worker.get(keys.entityVersion('snap', 1, 'old')), written);
  const [changed] = await snapshots.read('snap', 1, ['old']);
  assert.equal(changed!.arrivals, 3);
});

test('a tight budget evicts least recently read entries and every answer stays right', async () => {
  const prefix = uniquePrefix();
  const entities = Array.from({ length: 30 }, (_, i) => `e${i}`);
  for (const [i, e] of entities.entries())
    await put(
      prefix,
      e,
      Array.from({ length: i + 1 }, () => 1),
    );
  // Room for a few states only; 0 disables the cache.
  for (const maxBytes of [600, 0]) {
    const snapshots = redisEntitySnapshots(request, keyLayout(prefix), { maxBytes });
    for (let round = 0; round < 3; round++) {
      const states = await snapshots.read('snap', 1, entities);
      assert.deepEqual(
        states.map((s) => s?.arrivals),
        entities.map((_, i) => i + 1),
      );
    }
    assert.ok(snapshots.stats().bytes <= maxBytes, `cache holds ${snapshots.stats().bytes} > ${maxBytes}`);
  }
});

test('concurrent reads of a cold entity share one decoded state, then see a later write', async () => {
  const prefix = uniquePrefix();
  await put(prefix, 'hot', [5, 6, 7]);
  const snapshots = redisEntitySnapshots(request, keyLayout(prefix), { maxBytes: 1 << 20 });
  const burst = await Promise.all(
    Array.from({ length: 20 }, () => snapshots.read('snap', 1, ['hot', 'cold'])),
  );
  for (const [hot, cold] of burst) {
    assert.equal(hot, burst[0]![0]);
    assert.equal(hot!.arrivals, 3);
    assert.equal(cold, null);
  }
  await put(prefix, 'hot', [8]);
  const after = await Promise.all(Array.from({ length: 5 }, () => snapshots.read('snap', 1, ['hot'])));
  for (const [hot] of after) assert.equal(hot!.arrivals, 4);
});

/** Script calls (EVALSHA and EVAL) and MGETs the private Redis has run so far, from INFO commandstats. */
async function commandCalls(): Promise<{ scripts: number; mgets: number }> {
  const stats = await worker.info('commandstats');
  const calls = (name: string) =>
    Number(stats.match(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm'))?.[1] ?? 0);
  return { scripts: calls('evalsha') + calls('eval'), mgets: calls('mget') };
}

/** The commands `run` sent, counted by the private Redis. */
async function commandsOf(run: () => Promise<unknown>): Promise<{ scripts: number; mgets: number }> {
  const before = await commandCalls();
  await run();
  const after = await commandCalls();
  return { scripts: after.scripts - before.scripts, mgets: after.mgets - before.mgets };
}

test('reads started in one turn share one MGET and one script call, duplicates included, and each gets its own answers', async () => {
  const prefix = uniquePrefix('snap');
  const snapshots = redisEntitySnapshots(request, keyLayout(prefix), { maxBytes: 1 << 20 });
  await put(prefix, 'a', [1, 2]);
  await put(prefix, 'b', [5]);
  // Cached first (a read of an entity being fetched cold waits for that fetch, then asks again).
  await snapshots.read('snap', 1, ['a', 'b']);
  let one: unknown[] = [];
  let two: unknown[] = [];
  let three: unknown[] = [];
  const sent = await commandsOf(async () => {
    [one, two, three] = await Promise.all([
      snapshots.read('snap', 1, ['a', 'b']),
      snapshots.read('snap', 1, ['b', 'missing', 'b']),
      snapshots.read('snap', 1, ['a']),
    ]);
  });
  // a and b are cached: their version keys in one MGET; 'missing' is not: the script.
  assert.deepEqual(sent, { scripts: 1, mgets: 1 });
  assert.deepEqual(
    [one, two, three].map((states) =>
      (states as ({ arrivals: number } | null)[]).map((s) => s?.arrivals ?? null),
    ),
    [[2, 1], [1, null, 1], [2]],
  );
  assert.equal(two[0], two[2]); // the same cached object
});

test('unchanged cached entities cost one MGET and no script; only a changed one goes on to the script', async () => {
  const prefix = uniquePrefix('snap');
  const snapshots = redisEntitySnapshots(request, keyLayout(prefix), { maxBytes: 1 << 20 });
  const entities = Array.from({ length: 50 }, (_, i) => `e${i}`);
  for (const e of entities) await put(prefix, e, [1]);
  await snapshots.read('snap', 1, entities);
  let states: ({ arrivals: number } | null)[] = [];
  const unchanged = await commandsOf(async () => {
    states = await snapshots.read('snap', 1, entities);
  });
  assert.deepEqual(unchanged, { scripts: 0, mgets: 1 });
  assert.ok(states.every((s) => s?.arrivals === 1));
  await put(prefix, 'e7', [4, 5]);
  const oneChanged = await commandsOf(async () => {
    states = await snapshots.read('snap', 1, entities);
  });
  assert.deepEqual(oneChanged, { scripts: 1, mgets: 1 });
  assert.deepEqual(
    states.map((s) => s?.arrivals),
    entities.map((e) => (e === 'e7' ? 3 : 1)),
  );
});

test('a Redis error reaches every read of the shared call', async () => {
  const prefix = uniquePrefix('snap');
  const broken = connectRedis((await privateRedis()).url, 'request');
  const snapshots = redisEntitySnapshots(broken, keyLayout(prefix), { maxBytes: 1 << 20 });
  await broken.ping();
  broken.disconnect();
  const results = await Promise.allSettled([
    snapshots.read('snap', 1, ['a']),
    snapshots.read('snap', 1, ['b']),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
});

test('the read script judges each key by its own known version, wherever known and unknown ones stand', async () => {
  const prefix = uniquePrefix();
  const keys = keyLayout(prefix);
  redisEntitySnapshots(request, keys, { maxBytes: 1 << 20 }); // defines the script on this connection
  for (const entity of ['x', 'a', 'b', 'c', 'y']) await put(prefix, entity, [1]);
  const versionOf = (e: string) => worker.hget(keys.entity('snap', 1, e), 'v') as Promise<string>;
  const [a1, b1, c1] = [await versionOf('a'), await versionOf('b'), await versionOf('c')];
  await put(prefix, 'b', [2]); // b moved on from b1
  const [x1, b2, y1] = [await versionOf('x'), await versionOf('b'), await versionOf('y')];
  const call = (
    request as unknown as {
      eddyReadEntitiesBuffer(n: number, ...args: string[]): Promise<(1 | [Buffer, Buffer] | null)[]>;
    }
  ).eddyReadEntitiesBuffer.bind(request);
  const entityKeys = ['x', 'a', 'b', 'c', 'y', 'none'].map((e) => keys.entity('snap', 1, e));
  // Unknown first and last, a and c known at their version, b known at an older one, 'none' absent.
  const replies = await call(6, ...entityKeys, '', a1, b1, c1, '', '');
  const shape = replies.map((r) => (r === null ? null : r === 1 ? 1 : r[0].toString()));
  assert.deepEqual(shape, [x1, 1, b2, 1, y1, null]);
});
