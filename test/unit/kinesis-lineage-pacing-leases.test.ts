import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planLeases } from '../../src/core/kinesis/lease-balance.js';
import { MIN_CALL_INTERVAL_MS, pollInterval, throttleBackoff } from '../../src/core/kinesis/pacing.js';
import { shardAssignments } from '../../src/core/kinesis/shard-lineage.js';

// shard 0 split into 2 and 3; 1 and 2 merged into 4.
const SHARDS = [
  { shardId: 's0', parents: [] },
  { shardId: 's1', parents: [] },
  { shardId: 's2', parents: ['s0'] },
  { shardId: 's3', parents: ['s0'] },
  { shardId: 's4', parents: ['s1', 's2'] },
];

const plan = (done: Record<string, string[]>, views = ['a', 'b']) =>
  Object.fromEntries(
    [...shardAssignments(SHARDS, views, (v, s) => (done[v] ?? []).includes(s))].map(([k, v]) => [k, v]),
  );

test('lineage: children wait for every parent; a merge waits for both', () => {
  assert.deepEqual(plan({}), { s0: ['a', 'b'], s1: ['a', 'b'] });
  assert.deepEqual(plan({ a: ['s0'], b: ['s0'] }), { s1: ['a', 'b'], s2: ['a', 'b'], s3: ['a', 'b'] });
  assert.deepEqual(plan({ a: ['s0', 's1'], b: ['s0', 's1'] }), { s2: ['a', 'b'], s3: ['a', 'b'] });
  assert.deepEqual(plan({ a: ['s0', 's1', 's2'], b: ['s0', 's1'] }), {
    s3: ['a', 'b'],
    s4: ['a'],
    s2: ['b'],
  });
  assert.deepEqual(plan({ a: ['s0', 's1', 's2', 's3', 's4'], b: ['s0', 's1', 's2', 's3', 's4'] }), {});
});

test('lineage: each view version follows its own progress (a new version re-reads parents first)', () => {
  assert.deepEqual(plan({ a: ['s0', 's1', 's2', 's3'] }), { s4: ['a'], s0: ['b'], s1: ['b'] });
});

test('lineage: parents no longer listed (past retention) count as finished', () => {
  const out = shardAssignments([{ shardId: 's9', parents: ['gone'] }], ['a'], () => false);
  assert.deepEqual([...out], [['s9', ['a']]]);
});

test('pacing: never more than 5 calls/s; fast while behind or on a full batch, idle when caught up', () => {
  assert.equal(
    pollInterval({ records: 10, limit: 100, millisBehindLatest: 5000 }, 1000),
    MIN_CALL_INTERVAL_MS,
  );
  assert.equal(pollInterval({ records: 100, limit: 100, millisBehindLatest: 0 }, 1000), MIN_CALL_INTERVAL_MS);
  assert.equal(pollInterval({ records: 10, limit: 100, millisBehindLatest: 0 }, 1000), 1000);
  assert.equal(pollInterval({ records: 0, limit: 100, millisBehindLatest: 0 }, 1000), 1000);
  assert.equal(pollInterval({ records: 0, limit: 100, millisBehindLatest: 0 }, 50), MIN_CALL_INTERVAL_MS);
});

test('throttle backoff: jittered, growing, bounded, never below the call interval', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.double({ min: 0, max: 0.9999999, noNaN: true }),
      (a, r) => {
        const d = throttleBackoff(a, r);
        return d >= MIN_CALL_INTERVAL_MS && d <= 10_000;
      },
    ),
  );
  assert.ok(throttleBackoff(0, 0.999) < throttleBackoff(5, 0.999));
  assert.notEqual(throttleBackoff(4, 0.1), throttleBackoff(4, 0.9));
});

test('leases: a lone process takes every shard', () => {
  const p = planLeases({ shards: ['a', 'b', 'c', 'd'], owners: new Map(), me: 'p1', live: ['p1'] });
  assert.deepEqual(p, { acquire: ['a', 'b', 'c', 'd'], release: [], target: 4 });
});

test('leases: a second process makes the first hand back half; the second takes the free ones', () => {
  const owners = new Map<string, string | null>(['a', 'b', 'c', 'd'].map((s) => [s, 'p1']));
  assert.deepEqual(planLeases({ shards: [...owners.keys()], owners, me: 'p1', live: ['p1', 'p2'] }).release, [
    'c',
    'd',
  ]);
  assert.deepEqual(
    planLeases({ shards: [...owners.keys()], owners, me: 'p2', live: ['p1', 'p2'] }).acquire,
    [],
  );
  owners.set('c', null);
  owners.set('d', null);
  assert.deepEqual(planLeases({ shards: [...owners.keys()], owners, me: 'p2', live: ['p1', 'p2'] }).acquire, [
    'c',
    'd',
  ]);
});

test('leases: free shards the other live processes cannot absorb are taken at once', () => {
  // p2 holds its share; c, d and e are free (their holder died): p1 takes them all, beyond its target of 3.
  const owners = new Map<string, string | null>([
    ['a', 'p2'],
    ['b', 'p2'],
    ['c', null],
    ['d', null],
    ['e', null],
  ]);
  const shards = [...owners.keys()];
  assert.deepEqual(planLeases({ shards, owners, me: 'p1', live: ['p1', 'p2'] }), {
    acquire: ['c', 'd', 'e'],
    release: [],
    target: 3,
  });
  // With a third live process holding nothing, p1 takes its own share and leaves the rest to it.
  assert.deepEqual(planLeases({ shards, owners, me: 'p1', live: ['p1', 'p2', 'p3'] }).acquire, ['c', 'd']);
  // Nothing is handed back while nobody lacks shards.
  for (const s of ['c', 'd', 'e']) owners.set(s, 'p1');
  assert.deepEqual(planLeases({ shards, owners, me: 'p1', live: ['p1', 'p2'] }).release, []);
});

test('leases: balanced plans cover every shard, whatever the order processes act in', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }),
      (nShards, live, turns) => {
        const shards = Array.from({ length: nShards }, (_, i) => `s${i}`);
        const owners = new Map<string, string | null>();
        const procs = Array.from({ length: live }, (_, i) => `p${i}`);
        // Each process acts in turn (a rotation after the random prefix), until nothing changes.
        const schedule = [
          ...turns.map((t) => t % live),
          ...Array.from({ length: 4 * live }, (_, i) => i % live),
        ];
        for (const who of schedule) {
          const me = procs[who]!;
          const p = planLeases({ shards, owners, me, live: procs });
          for (const s of p.release) owners.set(s, null);
          for (const s of p.acquire) owners.set(s, me);
        }
        const counts = procs.map((me) => shards.filter((s) => owners.get(s) === me).length);
        const target = Math.ceil(nShards / live);
        return shards.every((s) => owners.get(s)) && counts.every((c) => c <= target);
      },
    ),
  );
});
