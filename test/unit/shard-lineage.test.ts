import assert from 'node:assert/strict';
import { test } from 'node:test';
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
