/**
 * `approx_percentile`: a DDSketch (@datadog/sketches-js) per tile, with 1% relative accuracy. The library's
 * logarithmic mapping turns a value into a bin key and back; its stores count values per key. A tile keeps its
 * bins as plain numbers (so they encode as MessagePack integers, see docs/decisions.md):
 *   []  empty, else [zero count, …positive store, …negative store (keys of |v|)]
 *   a store is a header h and its body:
 *     h = 0   no bins
 *     h > 0   dense: the first key, then h counts of the keys first … first + h − 1 (first and last non-zero)
 *     h < 0   sparse: −h pairs (key, count), ascending by key
 * Each store takes whichever form is smaller: dense when its key span is at most 3 × its non-empty bins (one
 * byte per count against a key and a count per bin). Readings within ±5% of one another span ~5 bins, so a tile
 * costs about 2 bytes per bin of the span whatever the event rate; a tile of scattered values costs ~4 bytes per
 * non-empty bin.
 *
 * Tiles merge as the library's stores merge, adding the counts of equal keys: a read folds the tiles' bins into one
 * library sketch and asks it for the quantile (rank p·(n − 1), the library's definition). The library's own
 * `DDSketch.merge` (2.1.1) forgets the negative store, so bins are added to its stores directly.
 */
import { DDSketch } from '@datadog/sketches-js';

export const RELATIVE_ACCURACY = 0.01;

const mapping = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }).mapping;

/** The bins of one store as parallel ascending keys and counts (non-zero counts only). */
interface Bins {
  keys: number[];
  counts: number[];
}

/** Position just after the store whose header is at s[at]. */
function storeEnd(s: readonly number[], at: number): number {
  const h = s[at]!;
  if (h === 0) return at + 1;
  return h > 0 ? at + 2 + h : at + 1 - 2 * h;
}

/** Calls visit(key, count) for each non-empty bin of the store whose header is at s[at]. */
function forEachBin(s: readonly number[], at: number, visit: (key: number, count: number) => void): void {
  const h = s[at]!;
  if (h > 0) {
    const first = s[at + 1]!;
    for (let i = 0; i < h; i++) {
      const c = s[at + 2 + i]!;
      if (c !== 0) visit(first + i, c);
    }
  } else {
    for (let k = at + 1; k < at + 1 - 2 * h; k += 2) visit(s[k]!, s[k + 1]!);
  }
}

function binsOf(s: readonly number[], at: number): Bins {
  const bins: Bins = { keys: [], counts: [] };
  forEachBin(s, at, (key, count) => {
    bins.keys.push(key);
    bins.counts.push(count);
  });
  return bins;
}

/** Adds count at key into ascending bins. */
function addToBins(bins: Bins, key: number, count: number): void {
  let lo = 0;
  let hi = bins.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bins.keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  if (bins.keys[lo] === key) bins.counts[lo]! += count;
  else {
    bins.keys.splice(lo, 0, key);
    bins.counts.splice(lo, 0, count);
  }
}

/** The store form of bins: dense when its span is at most 3 × its bins, else sparse. */
function storeOf(bins: Bins): number[] {
  const n = bins.keys.length;
  if (n === 0) return [0];
  const first = bins.keys[0]!;
  const span = bins.keys[n - 1]! - first + 1;
  if (span <= 3 * n) {
    const out = new Array<number>(span + 2).fill(0);
    out[0] = span;
    out[1] = first;
    for (let i = 0; i < n; i++) out[2 + bins.keys[i]! - first] = bins.counts[i]!;
    return out;
  }
  const out = [-n];
  for (let i = 0; i < n; i++) out.push(bins.keys[i]!, bins.counts[i]!);
  return out;
}

/** Rewrites the store at s[at] with one more value at key (s mutated). */
function rewriteStore(s: number[], at: number, key: number): void {
  const bins = binsOf(s, at);
  addToBins(bins, key, 1);
  s.splice(at, storeEnd(s, at) - at, ...storeOf(bins));
}

/** Where the store of the given sign starts (1: positive values, -1: negative ones). */
const storeAt = (s: readonly number[], sign: number): number => (sign > 0 ? 1 : storeEnd(s, 1));

function ensure(s: number[]): void {
  if (s.length === 0) s.push(0, 0, 0);
}

/** Adds one value to the sketch s (mutated). */
export function addToQuantileSketch(s: number[], x: number): void {
  ensure(s);
  const sign = x > mapping.minPossible ? 1 : x < -mapping.minPossible ? -1 : 0;
  if (sign === 0) {
    s[0]! += 1;
    return;
  }
  const key = mapping.key(Math.abs(x));
  const at = storeAt(s, sign);
  const h = s[at]!;
  // The common case: a dense store that already spans the key.
  if (h > 0 && key >= s[at + 1]! && key < s[at + 1]! + h) {
    s[at + 2 + key - s[at + 1]!]! += 1;
    return;
  }
  rewriteStore(s, at, key);
}

/** A library sketch to fold tiles into for one read. */
export const newQuantileReader = (): DDSketch => new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

/** Adds the bins of sketch s into the library sketch. */
export function foldQuantileSketch(into: DDSketch, s: readonly number[]): void {
  if (s.length === 0) return;
  into.zeroCount += s[0]!;
  forEachBin(s, 1, (key, count) => into.store.add(key, count));
  forEachBin(s, storeEnd(s, 1), (key, count) => into.negativeStore.add(key, count));
}

/** The library's estimate of the value at rank p·(n − 1) of what was folded; null when nothing was. */
export function quantileOfReader(sketch: DDSketch, p: number): number | null {
  sketch.count = sketch.store.count + sketch.negativeStore.count + sketch.zeroCount;
  if (sketch.count === 0) return null;
  return sketch.getValueAtQuantile(p);
}

/** The estimate at rank p·(n − 1) of sketch s; null for an empty sketch. */
export function quantileOf(s: readonly number[], p: number): number | null {
  const reader = newQuantileReader();
  foldQuantileSketch(reader, s);
  return quantileOfReader(reader, p);
}
