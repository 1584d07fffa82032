import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planLeases } from '../../src/core/kinesis/lease-balance.js';

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
