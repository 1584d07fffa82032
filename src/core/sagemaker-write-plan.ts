/**
 * Which event time to write an entity's record with (pure).
 *
 * SageMaker's online store keeps a record only when its EventTime is strictly newer than the stored one. The
 * event time we write is the entity's watermark, but an entity can change without its watermark moving (an
 * out-of-order event within the allowed lateness). So the sink remembers per entity the last write it made or
 * tried (`SentMemo`): its event time `e` and content digest `h`, and whether it is confirmed stored or may be
 * (`u`: a 5xx, a reset connection or a crash left it unknown).
 *
 * - watermark newer than `e`: write at the watermark;
 * - same content as at `e`: confirmed, nothing to write; unconfirmed, write it again at `e` (either it lands, or
 *   the store already holds exactly it);
 * - other content: write at `e + 1` ms, the earliest time the store accepts over what it may hold.
 */
export interface SentMemo {
  /** Event time (epoch ms) of the last write made or tried. */
  e: number;
  /** Digest of that write's content. */
  h: string;
  /** Present when it is not known whether that write was stored. */
  u?: true;
}

export type WritePlan = { send: false } | { send: true; eventTimeMs: number };

export function planWrite(watermarkMs: number, digest: string, memo: SentMemo | null): WritePlan {
  if (!memo || watermarkMs > memo.e) return { send: true, eventTimeMs: watermarkMs };
  if (memo.h === digest) return memo.u ? { send: true, eventTimeMs: memo.e } : { send: false };
  return { send: true, eventTimeMs: memo.e + 1 };
}
