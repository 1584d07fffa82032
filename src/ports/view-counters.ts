import type { ApplyOutcome } from '../core/event.js';

export interface BatchCount extends ApplyOutcome {
  /** Greatest event time accepted in the batch (ms), if any. */
  lastEventTime: number | null;
  /**
   * Records of the batch rejected (dead-lettered) for this view version. Only the per-source counts use it: the
   * view's `rejected` total is counted by the dead-letter store when it stores them.
   */
  rejected?: number;
  /** Records of the batch before the view version's start position (Kinesis); counted per source only. */
  skippedBeforeStart?: number;
  /** Events the view's transform filtered out of the batch (counted in the totals and per source). */
  filtered?: number;
}

/** A view version's outcomes for one ordered source (a push lane or a Kinesis shard). */
export interface SourceCounts {
  accepted: number;
  rejected: number;
  late: number;
  duplicate: number;
  /** Read but before the view version's start position (Kinesis): not for this version. */
  skippedBeforeStart: number;
  filtered: number;
}

export interface ViewVersionCounters {
  accepted: number;
  rejected: number;
  late: number;
  duplicate: number;
  /** Events skipped by the view's transform filter. */
  filtered: number;
  lastEventTime: number | null;
  /** Source -> end of the last batch counted (the view's checkpoint in that source). */
  marks: Record<string, string>;
  /** Source -> outcomes of the batches counted from it. */
  sources: Record<string, SourceCounts>;
}

/** Per-view counters and per-source marks; counting a batch is idempotent by its batch end. */
export interface ViewCounters {
  /** The end of the last batch counted for this source ('' when none). */
  mark(view: string, version: number, source: string): Promise<string>;
  /** Counts a batch once; returns false when its end (or a later one) was counted before. */
  countBatch(
    view: string,
    version: number,
    source: string,
    batchEnd: string,
    count: BatchCount,
  ): Promise<boolean>;
  /** The outcome recorded with the last counted batch of the source, when its end equals `batchEnd`. */
  /** Adds events filtered out of an accepted push request (push requests are counted when accepted). */
  countFiltered(view: string, version: number, n: number): Promise<void>;
  countedOutcome(view: string, version: number, source: string, batchEnd: string): Promise<BatchCount | null>;
  read(view: string, version: number): Promise<ViewVersionCounters>;
  remove(view: string): Promise<void>;
}
