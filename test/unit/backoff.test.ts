/** Retry delays (src/core/backoff.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fullJitterDelay } from '../../src/core/backoff.js';

describe('retry policy', () => {
  test('full jitter stays below min(cap, base * 2^(attempt-1))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (attempt, base, r) => {
          const d = fullJitterDelay(attempt, base, 10_000, () => r);
          assert.ok(d >= 0 && d < Math.max(1, Math.min(10_000, base * 2 ** (attempt - 1))));
        },
      ),
    );
    assert.equal(
      fullJitterDelay(3, 100, 10_000, () => 0.5),
      200,
    );
  });
});
