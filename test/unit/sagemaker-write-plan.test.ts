/** The event time of a SageMaker write (src/core/sagemaker-write-plan.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { planWrite } from '../../src/core/sagemaker-write-plan.js';

describe('planWrite: event time of a write', () => {
  test('a newer watermark is written at the watermark', () => {
    assert.deepEqual(planWrite(100, 'h', null), { send: true, eventTimeMs: 100 });
    assert.deepEqual(planWrite(100, 'h', { e: 99, h: 'h' }), { send: true, eventTimeMs: 100 });
  });
  test('same content confirmed stored at or after the watermark: nothing to write', () => {
    assert.deepEqual(planWrite(100, 'h', { e: 100, h: 'h' }), { send: false });
    assert.deepEqual(planWrite(100, 'h', { e: 101, h: 'h' }), { send: false });
  });
  test('same content maybe stored (unconfirmed): written again at the same event time', () => {
    assert.deepEqual(planWrite(100, 'h', { e: 100, h: 'h', u: true }), { send: true, eventTimeMs: 100 });
    assert.deepEqual(planWrite(100, 'h', { e: 102, h: 'h', u: true }), { send: true, eventTimeMs: 102 });
  });
  test('changed content without a newer watermark: one ms past what may be stored', () => {
    assert.deepEqual(planWrite(100, 'new', { e: 100, h: 'old' }), { send: true, eventTimeMs: 101 });
    assert.deepEqual(planWrite(100, 'new', { e: 100, h: 'old', u: true }), { send: true, eventTimeMs: 101 });
  });
  test('a planned write is never older than the watermark, and beats the stored record unless it is the same', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e12 }),
        fc.integer({ min: 0, max: 2e12 }),
        fc.constantFrom('a', 'b'),
        fc.boolean(),
        (w, e, h, unconfirmed) => {
          const memo = unconfirmed ? { e, h: 'a', u: true as const } : { e, h: 'a' };
          const plan = planWrite(w, h, memo);
          if (!plan.send) {
            assert.ok(h === 'a' && !unconfirmed && e >= w);
            return;
          }
          assert.ok(plan.eventTimeMs >= w);
          if (h !== 'a') assert.ok(plan.eventTimeMs > e);
          else assert.ok(plan.eventTimeMs >= e);
        },
      ),
    );
  });
});
