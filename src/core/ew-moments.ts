/**
 * Exponentially weighted moments (`ewma`, `ewvar`, `ewstd`): with weights wᵢ = 2^((tᵢ − T) / h), the mean
 * Σwᵢxᵢ / Σwᵢ and the variance Σwᵢ(xᵢ − mean)² / Σwᵢ do not depend on T, so an intermediate keeps them relative
 * to a reference time of its own (its newest event time): every weight is then ≤ 1, merging rescales the older
 * side by 2^((ref_old − ref_new) / h) (which may underflow to 0: those events weigh nothing next to the newer
 * ones), and nothing overflows or becomes NaN however many half-lives the events span.
 *
 * Layout: four numbers at an offset `o` of a number array (plain or Float64Array):
 *   [o+0] w     Σ weights relative to ref (0: empty)
 *   [o+1] mean  weighted mean
 *   [o+2] m2    Σ wᵢ(xᵢ − mean)² relative to ref
 *   [o+3] ref   the reference time, epoch ms (the newest event time folded in)
 */
import type { Aggregation } from './feature-view.js';
import type { Slots } from './moments.js';

export const EW_SIZE = 4;
const W = 0;
const MEAN = 1;
const M2 = 2;
const REF = 3;

export const emptyEw = (): number[] => [0, 0, 0, 0];

/** Weighted Chan step: adds (weight wb, mean mb, m2b) to the intermediate at o, both relative to its ref. */
function combine(m: Slots, o: number, wb: number, mb: number, m2b: number): void {
  if (wb === 0) return;
  const wa = m[o + W]!;
  const w = wa + wb;
  if (wa === 0 || w === wb) {
    // The old side weighs nothing next to the new one (or is empty).
    m[o + W] = wb;
    m[o + MEAN] = mb;
    m[o + M2] = m2b;
    return;
  }
  const delta = mb - m[o + MEAN]!;
  m[o + MEAN] = m[o + MEAN]! + (delta * wb) / w;
  m[o + M2] = m[o + M2]! + m2b + ((delta * delta * wa) / w) * wb;
  m[o + W] = w;
}

/** Moves the reference of the intermediate at o forward to `ref` (≥ its own): its weights shrink. */
function rebase(m: Slots, o: number, ref: number, halfLifeMs: number): void {
  const factor = 2 ** ((m[o + REF]! - ref) / halfLifeMs);
  m[o + W] = m[o + W]! * factor;
  m[o + M2] = m[o + M2]! * factor;
  m[o + REF] = ref;
  if (m[o + W] === 0) {
    m[o + MEAN] = 0;
    m[o + M2] = 0;
  }
}

/** Folds the value x at event time t into the intermediate at o. */
export function updateEw(m: Slots, o: number, halfLifeMs: number, t: number, x: number): void {
  if (m[o + W]! === 0) {
    m[o + W] = 1;
    m[o + MEAN] = x;
    m[o + M2] = 0;
    m[o + REF] = t;
    return;
  }
  if (t > m[o + REF]!) rebase(m, o, t, halfLifeMs);
  combine(m, o, 2 ** ((t - m[o + REF]!) / halfLifeMs), x, 0);
}

/** Folds the intermediate at src[so] into dst[d]; src is not changed. */
export function mergeEw(dst: Slots, d: number, src: Slots, so: number, halfLifeMs: number): void {
  const wb = src[so + W]!;
  if (wb === 0) return;
  if (dst[d + W]! === 0) {
    for (let i = 0; i < EW_SIZE; i++) dst[d + i] = src[so + i]!;
    return;
  }
  const refB = src[so + REF]!;
  if (refB > dst[d + REF]!) rebase(dst, d, refB, halfLifeMs);
  const factor = 2 ** ((refB - dst[d + REF]!) / halfLifeMs);
  combine(dst, d, wb * factor, src[so + MEAN]!, src[so + M2]! * factor);
}

/** `ewma`, `ewvar` or `ewstd` of the intermediate at o; null when empty. */
export function finalizeEw(m: Slots, o: number, agg: Aggregation): number | null {
  const w = m[o + W]!;
  if (w === 0) return null;
  if (agg === 'ewma') return m[o + MEAN]!;
  const variance = Math.max(0, m[o + M2]! / w);
  return agg === 'ewstd' ? Math.sqrt(variance) : variance;
}
