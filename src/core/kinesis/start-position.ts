/**
 * Where a shard reader starts (pure). One reader per shard serves every view version on the stream, so it
 * starts at the earliest position any of them needs; each view then skips what it does not want, and the
 * per-view / per-entity marks skip what it already applied.
 *
 * A view version's *need* on a shard: after its mark when it has one (it applied everything up to there);
 * otherwise its `startPosition`: TRIM_HORIZON, a time (`{atTimestamp}`), or LATEST. LATEST depends on no clock:
 * it is the shard's position when a reader first serves the version there, recorded once per version and shard
 * (the *shard start*: the sequence number after which records count) so later readers, restarts and read
 * positions all agree. First sight records: after the reader's checkpoint when it has one (what it processed
 * before the version existed for it); TRIM_START for a child shard of a reshard (its parents were read for the
 * version, so everything in it came after); else nothing yet: the reader takes a LATEST iterator (the tip),
 * and the first record it reads fixes the start just before it.
 *
 * Times and sequence numbers are compared through the reader checkpoint (the last record the reader
 * processed, with its arrival time), assuming arrival times do not decrease along a shard (Kinesis assigns
 * both on receipt). When that cannot order two needs, the reader falls back to TRIM_HORIZON: reading more is
 * always safe, reading less never is.
 */
import type { StartPosition } from '../feature-view.js';
import { compareSeq } from '../sequence.js';

export type Need =
  | { kind: 'trim' }
  | { kind: 'at'; ms: number }
  | { kind: 'after'; seq: string }
  /** LATEST with no shard start yet: the shard's tip. */
  | { kind: 'tip' };

export type StartSpec =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_TIMESTAMP'; ms: number }
  | { type: 'AFTER_SEQUENCE_NUMBER'; seq: string };

/** The last record a shard's reader processed (its resume point). */
export interface ReaderCheckpoint {
  seq: string;
  /** ApproximateArrivalTimestamp of that record, epoch ms. */
  arrivalMs: number;
}

/** A shard start meaning "every record of the shard counts" (below every sequence number). */
export const TRIM_START = '0';

/** LATEST, the registry's default when absent. */
export const isLatest = (startPosition: StartPosition | undefined) =>
  startPosition === undefined || startPosition === 'LATEST';

/** Epoch ms before which a view version wants no record (`atTimestamp`), else null (TRIM_HORIZON, LATEST). */
export function startTimeOf(startPosition: StartPosition | undefined): number | null {
  if (startPosition === undefined || typeof startPosition === 'string') return null;
  return Date.parse(startPosition.atTimestamp);
}

/**
 * A view version's need on one shard, given its mark there ('' when it has none) and, for LATEST, its shard
 * start (null while none is recorded; undefined for other start positions).
 */
export function needOf(startMs: number | null, mark: string, shardStart?: string | null): Need {
  if (mark !== '') return { kind: 'after', seq: mark };
  if (shardStart === null) return { kind: 'tip' };
  if (shardStart !== undefined)
    return shardStart === TRIM_START ? { kind: 'trim' } : { kind: 'after', seq: shardStart };
  return startMs === null ? { kind: 'trim' } : { kind: 'at', ms: startMs };
}

/** The sequence number just before `seq` (records after it start at `seq`). */
export const seqBefore = (seq: string) => (BigInt(seq) - 1n).toString();

/** Whether a view version (start time, mark and shard start on the shard) takes a record. */
export function wantsRecord(
  startMs: number | null,
  mark: string,
  seq: string,
  arrivalMs: number,
  shardStart = '',
): boolean {
  return (
    compareSeq(seq, mark) > 0 && compareSeq(seq, shardStart) > 0 && (startMs === null || arrivalMs >= startMs)
  );
}

/** The earliest start that covers every need. */
export function chooseStart(all: readonly Need[], checkpoint: ReaderCheckpoint | null): StartSpec {
  // A tip need is covered by any other start: its shard start is fixed by the first record read.
  const needs = all.filter((n) => n.kind !== 'tip');
  if (all.length > 0 && needs.length === 0) return { type: 'LATEST' };
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
