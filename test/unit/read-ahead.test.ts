/**
 * The Kinesis read-ahead (workers/kinesis/read-ahead.ts) over a scripted shard: pages come in order, at most
 * `depth` ahead, only while the shard is behind; taking a page from another iterator drops the rest, and a
 * dropped read that has not started never calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordsPage } from '../../src/adapters/kinesis/shard-api.js';
import { ReadAhead } from '../../workers/kinesis/read-ahead.js';
import { columnsOf } from '../helpers/record-rows.js';

/** A shard of `pages` pages: page i is read from iterator `it-i`; the last one is caught up. */
function shard(pages: number) {
  const calls: string[] = [];
  const gates = new Map<string, () => void>();
  const read = async (iterator: string, dropped: () => boolean): Promise<RecordsPage> => {
    await new Promise<void>((resolve) => gates.set(iterator, resolve)); // the test opens each call's slot
    if (dropped()) throw new Error('dropped');
    calls.push(iterator);
    const i = Number(iterator.slice(3));
    return {
      records: columnsOf([{ seq: String(i), arrivalMs: i, data: new Uint8Array() }]),
      next: i + 1 < pages ? `it-${i + 1}` : null,
      millisBehindLatest: i + 1 < pages ? 1000 : 0,
    };
  };
  const open = async (iterator: string) => {
    for (let n = 0; n < 50 && !gates.has(iterator); n++) await new Promise((r) => setImmediate(r));
    gates.get(iterator)!();
  };
  return { calls, read, open, pending: () => [...gates.keys()].filter((k) => !calls.includes(k)) };
}

const behind = (p: RecordsPage) => p.millisBehindLatest > 0;
const tick = () => new Promise((r) => setImmediate(r));

test('depth 1: the next page is read while the current one applies, one at a time, in order', async () => {
  const s = shard(4);
  const ahead = new ReadAhead(s.read, 1, behind);
  ahead.follow('it-1'); // applying page 0
  await s.open('it-1');
  await tick();
  assert.deepEqual(s.calls, ['it-1']);
  assert.deepEqual(s.pending(), [], 'no second page while one is ahead');
  const p1 = await ahead.take('it-1')!;
  assert.equal(p1.next, 'it-2');
  ahead.follow('it-2');
  await s.open('it-2');
  assert.equal((await ahead.take('it-2')!).next, 'it-3');
  ahead.follow('it-3');
  await s.open('it-3');
  const last = await ahead.take('it-3')!;
  assert.equal(last.next, null);
  assert.deepEqual(s.calls, ['it-1', 'it-2', 'it-3']);
});

test('depth 2 keeps two pages coming and stops at the page that is caught up', async () => {
  const s = shard(3);
  const ahead = new ReadAhead(s.read, 2, behind);
  ahead.follow('it-1');
  await s.open('it-1');
  await s.open('it-2'); // chained after it-1 arrived
  await tick();
  assert.deepEqual(s.calls, ['it-1', 'it-2']);
  assert.equal((await ahead.take('it-1')!).next, 'it-2');
  ahead.follow('it-2');
  await tick();
  assert.deepEqual(s.pending(), [], 'page 2 is caught up: nothing after it');
  assert.equal((await ahead.take('it-2')!).next, null);
});

test('taking from another iterator drops every page ahead; a dropped read never calls', async () => {
  const s = shard(5);
  const ahead = new ReadAhead(s.read, 1, behind);
  ahead.follow('it-1');
  await tick();
  assert.equal(ahead.take('it-3'), null); // the reader started again elsewhere
  await s.open('it-1');
  await tick();
  assert.deepEqual(s.calls, [], 'the dropped read did not call');
});
