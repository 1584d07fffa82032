/**
 * `approx_count_distinct`: a HyperLogLog of precision 14 (16,384 registers, standard error ~0.8%) with a sparse
 * form at precision 25 for small sets (HyperLogLog++), as plain numbers so a tile's sketch encodes compactly:
 *   []            empty
 *   sparse        ascending entries idx25·64 + rank (one per distinct 25-bit index, the highest rank): a
 *                 MessagePack uint32 of 5 bytes each, so a tile with ten distinct values costs ~50 bytes
 *   [-1, r0 … r16383]  dense registers (~16 KB), once a sparse sketch would pass SPARSE_LIMIT entries
 * Sparse sketches estimate by linear counting over 2^25 buckets (near exact below a few thousand values), dense
 * ones with Ertl's improved estimator (no empirical bias tables). Merging takes the highest rank per index.
 * Why our own: no maintained package fits (docs/decisions.md).
 *
 * Values are hashed from their 64 bits: numbers as doubles (-0 as 0), strings as the token of distinct-token.ts.
 */

const P = 14;
const M = 1 << P;
const SPARSE_P = 25;
const SPARSE_M = 2 ** SPARSE_P;
/** Above this many entries a sparse sketch (5 bytes an entry) would outweigh the dense one (~16 KB). */
export const SPARSE_LIMIT = 3000;
const DENSE = -1;
/** Q = 64 − P: the hash bits after the register index; ranks go up to Q + 1. */
const Q = 64 - P;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The sparse entry (idx25·64 + rank over the 39 remaining bits) of a value. */
export function entryOf(x: number): number {
  f64[0] = x === 0 ? 0 : x;
  const lo = u32[0]!;
  const hi = u32[1]!;
  const a = fmix32(lo ^ fmix32(hi ^ 0x9e3779b9));
  const b = fmix32(hi ^ Math.imul(a, 0x9e3779b1) ^ lo);
  const idx = a >>> (32 - SPARSE_P);
  const low = a & ((1 << (32 - SPARSE_P)) - 1);
  const rank =
    low !== 0 ? Math.clz32(low) - SPARSE_P + 1 : 32 - SPARSE_P + (b === 0 ? 32 : Math.clz32(b)) + 1;
  return idx * 64 + rank;
}

/** Dense register and rank of a sparse entry. */
function denseOf(entry: number): [number, number] {
  const idx25 = Math.floor(entry / 64);
  const rank = entry % 64;
  const low = idx25 & ((1 << (SPARSE_P - P)) - 1);
  return [
    idx25 >>> (SPARSE_P - P),
    low !== 0 ? Math.clz32(low) - (32 - SPARSE_P + P) + 1 : SPARSE_P - P + rank,
  ];
}

function toDense(s: number[]): void {
  const entries = s.splice(0, s.length);
  s.push(DENSE);
  for (let i = 0; i < M; i++) s.push(0);
  for (const e of entries) foldDense(s, e);
}

function foldDense(s: number[], entry: number): void {
  const [j, r] = denseOf(entry);
  if (r > s[1 + j]!) s[1 + j] = r;
}

/** Inserts a sparse entry into the ascending list, keeping the highest rank per index. */
function insertSparse(s: number[], entry: number): void {
  const idx = Math.floor(entry / 64);
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Math.floor(s[mid]! / 64) < idx) lo = mid + 1;
    else hi = mid;
  }
  if (lo < s.length && Math.floor(s[lo]! / 64) === idx) {
    if (s[lo]! < entry) s[lo] = entry;
    return;
  }
  s.splice(lo, 0, entry);
  if (s.length > SPARSE_LIMIT) toDense(s);
}

function addEntry(s: number[], entry: number): void {
  if (s[0] === DENSE) foldDense(s, entry);
  else insertSparse(s, entry);
}

/** Adds a value (a number, or a string's token) to the sketch s (mutated). */
export function addToDistinctSketch(s: number[], x: number): void {
  addEntry(s, entryOf(x));
}

/** Folds sketch src into dst (mutated). */
export function mergeDistinctSketch(dst: number[], src: readonly number[]): void {
  if (src.length === 0) return;
  if (src[0] === DENSE) {
    if (dst[0] !== DENSE) toDense(dst);
    for (let j = 1; j <= M; j++) if (src[j]! > dst[j]!) dst[j] = src[j]!;
    return;
  }
  for (const e of src) addEntry(dst, e);
}

/** The estimated number of distinct values, rounded; 0 for an empty sketch. */
export function distinctCountOf(s: readonly number[]): number {
  if (s.length === 0) return 0;
  if (s[0] !== DENSE) return Math.round(SPARSE_M * Math.log(SPARSE_M / (SPARSE_M - s.length)));
  const histogram = new Array<number>(Q + 2).fill(0);
  for (let j = 1; j <= M; j++) histogram[s[j]!]!++;
  return Math.round(ertlEstimate(histogram));
}

/** Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017), the improved raw estimator. */
function ertlEstimate(c: readonly number[]): number {
  let z = M * tau(1 - c[Q + 1]! / M);
  for (let k = Q; k >= 1; k--) z = 0.5 * (z + c[k]!);
  z += M * sigma(c[0]! / M);
  return (M / (2 * Math.LN2) / z) * M;
}

function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}
