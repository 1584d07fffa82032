/** The moments intermediate: prepare / update / merge / finalize against a two-pass computation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Aggregation } from '../../src/core/feature-view.js';
import {
  emptyMoments,
  finalizeMoments,
  MOMENTS_SIZE,
  mergeMoments,
  prepareMoments,
  updateMoments,
} from '../../src/core/moments.js';
import { valueArb, valueModes } from '../helpers/gen-events.js';
import { aggregate, agrees } from '../helpers/oracle.js';

const NUMERIC: Aggregation[] = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'variance',
  'stddev_samp',
  'var_samp',
];

function folded(values: readonly number[]): number[] {
  const m = emptyMoments();
  for (const x of values) updateMoments(m, 0, x);
  return m;
}

function assertAgrees(m: number[], values: readonly number[]): void {
  for (const agg of NUMERIC) {
    const got = finalizeMoments(m, 0, agg);
    const want = aggregate(agg, values);
    assert.ok(
      agrees(agg, got, want, values),
      `${agg}: ${got} vs two-pass ${want} over ${JSON.stringify(values)}`,
    );
  }
}

const valuesArb = fc
  .tuple(fc.constantFrom(...valueModes), fc.oneof(fc.nat(5), fc.integer({ min: 6, max: 200 })))
  .chain(([mode, n]) => fc.array(valueArb(mode), { minLength: n, maxLength: n }));

describe('moments', () => {
  it('update agrees with a two-pass computation', () => {
    fc.assert(
      fc.property(valuesArb, (values) => assertAgrees(folded(values), values)),
      { numRuns: 500 },
    );
  });

  it('merging the moments of the parts of a stream equals processing it whole', () => {
    fc.assert(
      fc.property(valuesArb, fc.array(fc.nat(), { maxLength: 6 }), (values, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (values.length + 1)))].sort((a, b) => a - b);
        const merged = emptyMoments();
        let start = 0;
        for (const end of [...cuts, values.length]) {
          mergeMoments(merged, 0, folded(values.slice(start, end)), 0);
          start = end;
        }
        assertAgrees(merged, values);
        // Count, min, max are exact whatever the split.
        const whole = folded(values);
        for (const agg of ['count', 'min', 'max'] as const) {
          assert.equal(finalizeMoments(merged, 0, agg), finalizeMoments(whole, 0, agg));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('merges at offsets inside larger arrays without touching neighbours', () => {
    const host = [7, ...prepareMoments(3), 9];
    const src = [1, 2, ...folded([5, 7])];
    mergeMoments(host, 1, src, 2);
    assert.equal(host[0], 7);
    assert.equal(host[1 + MOMENTS_SIZE], 9);
    assert.equal(finalizeMoments(host, 1, 'sum'), 15);
    assert.equal(finalizeMoments(host, 1, 'avg'), 5);
    assert.equal(finalizeMoments(host, 1, 'variance'), 8 / 3);
    assert.deepEqual(src, [1, 2, ...folded([5, 7])]);
  });

  it('empty moments: count and sum are 0, the rest null; merging an empty side is the identity', () => {
    const empty = emptyMoments();
    assert.equal(finalizeMoments(empty, 0, 'count'), 0);
    assert.equal(finalizeMoments(empty, 0, 'sum'), 0);
    for (const agg of [
      'avg',
      'min',
      'max',
      'stddev',
      'variance',
      'stddev_samp',
      'var_samp',
      'last',
    ] as const) {
      assert.equal(finalizeMoments(empty, 0, agg), null, agg);
    }
    const one = folded([4, 6]);
    const copy = [...one];
    mergeMoments(one, 0, emptyMoments(), 0);
    assert.deepEqual(one, copy);
    const into = emptyMoments();
    mergeMoments(into, 0, copy, 0);
    assert.deepEqual(into, copy);
  });

  it('one value: population variance 0, sample variance and deviation null', () => {
    const m = prepareMoments(42);
    assert.deepEqual(m, folded([42]));
    assert.equal(finalizeMoments(m, 0, 'variance'), 0);
    assert.equal(finalizeMoments(m, 0, 'stddev'), 0);
    assert.equal(finalizeMoments(m, 0, 'var_samp'), null);
    assert.equal(finalizeMoments(m, 0, 'stddev_samp'), null);
    assert.equal(finalizeMoments(m, 0, 'avg'), 42);
  });

  it('stays accurate far from zero and under cancellation', () => {
    // The textbook case where sum-of-squares variance fails: 1e9 + {4, 7, 13, 16} has variance 22.5.
    const shifted = folded([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    assert.ok(Math.abs(finalizeMoments(shifted, 0, 'variance')! - 22.5) < 1e-6);
    assert.ok(Math.abs(finalizeMoments(shifted, 0, 'var_samp')! - 30) < 1e-6);
    // The compensated sum keeps what a naive left-to-right sum loses.
    assert.equal(finalizeMoments(folded([1e9, 1e-7, -1e9]), 0, 'sum'), 1e-7);
    assert.equal(finalizeMoments(folded(new Array<number>(10).fill(0.1)), 0, 'sum'), 1);
    assert.equal(finalizeMoments(folded([1e16, 1, -1e16, 1]), 0, 'avg'), 0.5);
    // Merging carries each side's compensation: 1e9 + 1e-7 is not representable, its low part lives in c.
    const merged = folded([1e9, 1e-7]);
    mergeMoments(merged, 0, folded([-1e9, 3e-7]), 0);
    assert.equal(finalizeMoments(merged, 0, 'sum'), 4e-7);
  });
});
