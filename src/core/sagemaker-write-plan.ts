/**
 * Which event time to write an entity's record with (pure).
 *
 * SageMaker's online store keeps a record only when its EventTime is strictly newer than the stored one. The
 * event time we write is the entity's watermark, but an entity can change without its watermark moving (an
 * out-of-order event within the allowed lateness). So the sink remembers, per entity, the greatest event time it
 * may have stored and the digest of the content it knows is stored there (`SentMemo`):
 *
 * - watermark newer than anything sent: write at the watermark;
 * - otherwise, same content already stored: nothing to write;
 * - otherwise: write at (greatest sent + 1 ms), the smallest time the store accepts, so the newest values win.
 */
export interface SentMemo {
  /** Greatest event time (epoch ms) a write of this entity may have stored. */
  e: number;
  /** Digest of the content known to be stored at `e`; null when unknown (a write's outcome was ambiguous). */
  h: string | null;
}

export type WritePlan = { send: false } | { send: true; eventTimeMs: number };

export function planWrite(watermarkMs: number, digest: string, memo: SentMemo | null): WritePlan {
  if (!memo || watermarkMs > memo.e) return { send: true, eventTimeMs: watermarkMs };
  if (memo.h === digest) return { send: false };
  return { send: true, eventTimeMs: memo.e + 1 };
}
