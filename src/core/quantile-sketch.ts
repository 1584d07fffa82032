/**
 * `approx_percentile`: a DDSketch (@datadog/sketches-js) per tile, with 1% relative accuracy. The library's
 * logarithmic mapping turns a value into a bin key and back; its stores count values per key. A tile keeps only
 * the non-empty bins, as plain numbers (so they encode as MessagePack integers, see docs/decisions.md):
 *   [0] zero count   values within the mapping's smallest magnitude of 0
 *   [1] p            number of positive bins
 *   then p pairs (key, count) of positive values, ascending by key, then the pairs of negative values (by |v|).
 * An empty sketch is []. Bytes per tile: about 2 + 4 per distinct bin (a bin spans 2% of magnitude: readings
 * within ±10% of one another share at most ~10 bins, whatever the event rate).
 *
 * Merging adds the counts of equal keys — what the library's store merge does; reads rebuild a library sketch
 * from the merged bins and ask it for the quantile (rank p·(n − 1), the library's definition). The library's own
 * `DDSketch.merge` (2.1.1) forgets the negative store, so bins are added to its stores directly.
 */
import { DDSketch } from '@datadog/sketches-js';

export const RELATIVE_ACCURACY = 0.01;

const reference = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
const mapping = reference.mapping;

/** Adds `count` at key into the sorted pairs between [from, to) of s; returns how many pairs were added (0 or 1). */
function addPair(s: number[], from: number, to: number, key: number, count: number): number {
  let lo = 0;
  let hi = (to - from) / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[from + 2 * mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  const at = from + 2 * lo;
  if (at < to && s[at] === key) {
    s[at + 1]! += count;
    return 0;
  }
  s.splice(at, 0, key, count);
  return 1;
}

function ensure(s: number[]): void {
  if (s.length === 0) s.push(0, 0);
}

/** Adds one value to the sketch s (mutated). */
export function addToQuantileSketch(s: number[], x: number): void {
  ensure(s);
  const sign = x > mapping.minPossible ? 1 : x < -mapping.minPossible ? -1 : 0;
  addBin(s, sign, sign === 0 ? 0 : mapping.key(Math.abs(x)), 1);
}

/** sign 1: positive store, -1: negative store, 0: zero count. */
function addBin(s: number[], sign: number, key: number, count: number): void {
  if (sign === 0) {
    s[0]! += count;
    return;
  }
  const positives = s[1]!;
  if (sign > 0) s[1] = positives + addPair(s, 2, 2 + 2 * positives, key, count);
  else addPair(s, 2 + 2 * positives, s.length, key, count);
}

/** Folds sketch src into dst (mutated). */
export function mergeQuantileSketch(dst: number[], src: readonly number[]): void {
  if (src.length === 0) return;
  ensure(dst);
  dst[0]! += src[0]!;
  const positives = src[1]!;
  for (let k = 2; k < src.length; k += 2) addBin(dst, k < 2 + 2 * positives ? 1 : -1, src[k]!, src[k + 1]!);
}

/** The library's estimate of the value at rank p·(n − 1); null for an empty sketch. */
export function quantileOf(s: readonly number[], p: number): number | null {
  if (s.length === 0) return null;
  const sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  const positives = s[1]!;
  for (let k = 2; k < s.length; k += 2) {
    (k < 2 + 2 * positives ? sketch.store : sketch.negativeStore).add(s[k]!, s[k + 1]!);
  }
  sketch.zeroCount = s[0]!;
  sketch.count = sketch.store.count + sketch.negativeStore.count + sketch.zeroCount;
  if (sketch.count === 0) return null;
  return sketch.getValueAtQuantile(p);
}
