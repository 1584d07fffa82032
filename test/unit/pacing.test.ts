import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MIN_CALL_INTERVAL_MS, pollInterval, throttleBackoff } from '../../src/core/kinesis/pacing.js';

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
