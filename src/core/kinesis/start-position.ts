/**
 * Where a shard reader starts (pure). One reader per shard serves every view version on the stream, so it
 * starts at the earliest position any of them needs; each view then skips what it does not want
 * (`wantsRecord`), and the per-view / per-entity marks skip what it already applied.
 *
 * A view version's *need* on a shard: after its mark when it has one (it applied everything up to there);
 * otherwise its `startPosition`: TRIM_HORIZON, or a time (`{atTimestamp}`, and LATEST = the moment the version
 * was registered, so a reader that starts later — or a child shard — still sees every record that arrived
 * after it).
 *
 * Times and sequence numbers are compared through the reader checkpoint (the last record the reader
 * processed, with its arrival time), assuming arrival times do not decrease along a shard (Kinesis assigns
 * both on receipt). When that cannot order two needs, the reader falls back to TRIM_HORIZON: reading more is
 * always safe, reading less never is.
 */
import type { StartPosition } from '../feature-view.js';
import { compareSeq } from '../sequence.js';

export type Need = { kind: 'trim' } | { kind: 'at'; ms: number } | { kind: 'after'; seq: string };

export type StartSpec =
  | { type: 'TRIM_HORIZON' }
  | { type: 'AT_TIMESTAMP'; ms: number }
  | { type: 'AFTER_SEQUENCE_NUMBER'; seq: string };

/** The last record a shard's reader processed (its resume point). */
export interface ReaderCheckpoint {
  seq: string;
  /** ApproximateArrivalTimestamp of that record, epoch ms. */
  arrivalMs: number;
}

/**
 * Epoch ms before which a view version wants no record, or null (TRIM_HORIZON: every record). Absent means
 * LATEST, the registry's default.
 */
export function startTimeOf(startPosition: StartPosition | undefined, createdAtMs: number): number | null {
  if (startPosition === 'TRIM_HORIZON') return null;
  if (startPosition === undefined || startPosition === 'LATEST') return createdAtMs;
  return Date.parse(startPosition.atTimestamp);
}

/** A view version's need on one shard, given its mark there ('' when it has none). */
export function needOf(startMs: number | null, mark: string): Need {
  if (mark !== '') return { kind: 'after', seq: mark };
  return startMs === null ? { kind: 'trim' } : { kind: 'at', ms: startMs };
}

/** Whether a view version (start time, mark on the shard) takes a record. */
export function wantsRecord(startMs: number | null, mark: string, seq: string, arrivalMs: number): boolean {
  return compareSeq(seq, mark) > 0 && (startMs === null || arrivalMs >= startMs);
}

/** The earliest start that covers every need. */
export function chooseStart(needs: readonly Need[], checkpoint: ReaderCheckpoint | null): StartSpec {
  if (needs.length === 0 || needs.some((n) => n.kind === 'trim')) return { type: 'TRIM_HORIZON' };
  let seqMin: string | null = null;
  let tMin: number | null = null;
  for (const n of needs) {
    if (n.kind === 'after' && (seqMin === null || compareSeq(n.seq, seqMin) < 0)) seqMin = n.seq;
    if (n.kind === 'at' && (tMin === null || n.ms < tMin)) tMin = n.ms;
  }
  if (tMin === null) return { type: 'AFTER_SEQUENCE_NUMBER', seq: seqMin! };
  if (seqMin === null) return { type: 'AT_TIMESTAMP', ms: tMin };
  if (checkpoint) {
    // seqMin at or after the checkpoint: starting at the checkpoint's arrival time (or earlier) covers both.
    if (compareSeq(seqMin, checkpoint.seq) >= 0) {
      return { type: 'AT_TIMESTAMP', ms: Math.min(tMin, checkpoint.arrivalMs) };
    }
    // seqMin before the checkpoint and tMin after it: every record at or after tMin follows seqMin.
    if (tMin > checkpoint.arrivalMs) return { type: 'AFTER_SEQUENCE_NUMBER', seq: seqMin };
  }
  return { type: 'TRIM_HORIZON' };
}
