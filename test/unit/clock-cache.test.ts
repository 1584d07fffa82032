/**
 * The byte-bounded CLOCK cache: the budget holds, an entry used since the sweep last passed it outlives older
 * unused ones, replacing an entry keeps the byte count exact, oversized entries and a zero budget keep nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClockCache } from '../../src/adapters/redis/clock-cache.js';

const entry = (bytes: number) => ({ bytes, used: false });

test('keeps the budget, evicting oldest first but giving used entries a second chance', () => {
  const cache = new ClockCache<{ bytes: number; used: boolean }>(100);
  for (const k of ['a', 'b', 'c', 'd']) cache.set(k, entry(25));
  assert.deepEqual(cache.stats(), { entries: 4, bytes: 100 });
  cache.get('a')!.used = true; // read since the sweep
  cache.set('e', entry(25)); // over budget by 25: 'a' gets a second chance, 'b' goes
  assert.equal(cache.has('a'), true);
  assert.equal(cache.has('b'), false);
  assert.equal(cache.get('a')!.used, false, 'the sweep cleared the mark');
  cache.set('f', entry(25)); // now 'c' is the oldest unmarked
  assert.deepEqual(
    ['a', 'b', 'c', 'd', 'e', 'f'].filter((k) => cache.has(k)),
    ['a', 'd', 'e', 'f'],
  );
  assert.deepEqual(cache.stats(), { entries: 4, bytes: 100 });
});

test('replacing an entry counts its new size only; delete and oversized entries free their bytes', () => {
  const cache = new ClockCache<{ bytes: number; used: boolean }>(100);
  cache.set('a', entry(10));
  cache.set('a', entry(20));
  assert.deepEqual(cache.stats(), { entries: 1, bytes: 20 });
  cache.set('a', entry(26)); // over a quarter of the budget: not kept, and the old one is gone
  assert.deepEqual(cache.stats(), { entries: 0, bytes: 0 });
  cache.set('b', entry(5));
  cache.delete('b');
  cache.delete('missing');
  assert.deepEqual(cache.stats(), { entries: 0, bytes: 0 });
});

test('a zero budget keeps nothing', () => {
  const cache = new ClockCache<{ bytes: number; used: boolean }>(0);
  cache.set('a', entry(1));
  assert.equal(cache.has('a'), false);
});
