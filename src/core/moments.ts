/**
 * The numeric intermediate of one field over a set of events: count, compensated sum, M2, min and max
 * (Chronon-style prepare / update / merge / finalize). One intermediate serves count, sum, avg, min, max and
 * the four variance aggregations.
 *
 * Layout: six numbers at an offset `o` of a number array (plain or Float64Array: `Slots`), so tiles can embed
 * moments without objects:
 *   [o+0] n     number of values
 *   [o+1] s     Neumaier sum (high part)
 *   [o+2] c     Neumaier compensation (low part); the sum is s + c
 *   [o+3] m2    sum of squared deviations from the mean (Welford update, Chan merge)
 *   [o+4] min   meaningful only when n > 0 (0 otherwise)
 *   [o+5] max   meaningful only when n > 0 (0 otherwise)
 * The mean is not stored: it is (s + c) / n, which is at least as accurate as a running Welford mean.
 * All entries stay finite for inputs within ±1e100 (decode-record.ts rejects larger values): m2 squares
 * deviations, so values near 1e154 would overflow it for as few as two values.
 */
import type { Aggregation } from './feature-view.js';

/** Where intermediates live: a plain number array (accumulators) or a Float64Array (tiles). */
export type Slots = number[] | Float64Array;

export const MOMENTS_SIZE = 6;
const N = 0;
const S = 1;
const C = 2;
const M2 = 3;
const MIN = 4;
const MAX = 5;

export const emptyMoments = (): number[] => [0, 0, 0, 0, 0, 0];

/** The moments of a single value. */
export const prepareMoments = (x: number): number[] => [1, x, 0, 0, x, x];

const meanAt = (m: Slots, o: number): number => (m[o + S]! + m[o + C]!) / m[o + N]!;

/** Neumaier step: adds x to the compensated sum at o. */
function addToSum(m: Slots, o: number, x: number): void {
  const s = m[o + S]!;
  const t = s + x;
  m[o + C]! += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  m[o + S] = t;
}

/** Welford update with one value. */
export function updateMoments(m: Slots, o: number, x: number): void {
  const n = m[o + N]!;
  if (n === 0) {
    m[o + N] = 1;
    m[o + S] = x;
    m[o + C] = 0;
    m[o + M2] = 0;
    m[o + MIN] = x;
    m[o + MAX] = x;
    return;
  }
  const before = meanAt(m, o);
  m[o + N] = n + 1;
  addToSum(m, o, x);
  m[o + M2]! += (x - before) * (x - meanAt(m, o));
  if (x < m[o + MIN]!) m[o + MIN] = x;
  if (x > m[o + MAX]!) m[o + MAX] = x;
}

/** Chan merge: folds the moments at src[so] into dst[do]. src is not changed. */
export function mergeMoments(dst: Slots, d: number, src: Slots, so: number): void {
  const nb = src[so + N]!;
  if (nb === 0) return;
  const na = dst[d + N]!;
  if (na === 0) {
    for (let i = 0; i < MOMENTS_SIZE; i++) dst[d + i] = src[so + i]!;
    return;
  }
  const delta = meanAt(src, so) - meanAt(dst, d);
  const n = na + nb;
  dst[d + M2] = dst[d + M2]! + src[so + M2]! + ((delta * delta * na) / n) * nb;
  dst[d + N] = n;
  addToSum(dst, d, src[so + S]!);
  dst[d + C]! += src[so + C]!;
  if (src[so + MIN]! < dst[d + MIN]!) dst[d + MIN] = src[so + MIN]!;
  if (src[so + MAX]! > dst[d + MAX]!) dst[d + MAX] = src[so + MAX]!;
}

/**
 * The value of `agg` over the moments at o. Empty: count and sum are 0, the rest null; the sample
 * variance and deviation are null below 2 values. `last` is not a moment and yields null here.
 */
export function finalizeMoments(m: Slots, o: number, agg: Aggregation): number | null {
  const n = m[o + N]!;
  if (agg === 'count') return n;
  if (agg === 'sum') return n === 0 ? 0 : m[o + S]! + m[o + C]!;
  if (n === 0) return null;
  switch (agg) {
    case 'avg':
      return meanAt(m, o);
    case 'min':
      return m[o + MIN]!;
    case 'max':
      return m[o + MAX]!;
    case 'variance':
      return Math.max(0, m[o + M2]! / n);
    case 'stddev':
      return Math.sqrt(Math.max(0, m[o + M2]! / n));
    case 'var_samp':
      return n < 2 ? null : Math.max(0, m[o + M2]! / (n - 1));
    case 'stddev_samp':
      return n < 2 ? null : Math.sqrt(Math.max(0, m[o + M2]! / (n - 1)));
    default:
      return null;
  }
}
