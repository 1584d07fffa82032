/**
 * A historical-features job (docs/semantics.md#point-in-time-training-data): what it computes, where its history
 * comes from, and its observable state. Plain data, stored as JSON.
 */
import type { Boundary } from '../point-in-time.js';

export type HistoricalEvents =
  | { type: 'upload'; upload: string }
  /** The online state as stored now (retained-row.ts): no history is read. */
  | { type: 'retained' }
  | {
      type: 'kinesis';
      streamName: string;
      /** Where every shard is read from. */
      from: 'TRIM_HORIZON' | { atTimestamp: number };
      /** Epoch ms: records that arrived after it are not read (default: each shard to its end as of the start). */
      to?: number;
    };

export interface HistoricalJobSpec {
  view: string;
  version: number;
  /** Feature names (a subset, in the view's order); all when absent. */
  features?: string[];
  boundary: Boundary;
  /** The spine, stored as an upload (an inline spine is stored as an NDJSON upload). */
  spine: { upload: string };
  events: HistoricalEvents;
}

export type HistoricalJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface HistoricalProgress {
  /** Records read from the events source in the current pass (all sources). */
  eventsRead: number;
  /** Records that are not valid for the view (not JSON, or rejected by the record rules): skipped. */
  eventsRejected: number;
  /** Training rows computed so far. */
  rowsWritten: number;
  /** Entity partitions the job runs in (memory bound), and the one being computed (0-based). */
  partitions: number;
  partition: number;
  /** Records read per source (`upload`, or a Kinesis shard id); `retained`: entity states read. */
  sources: Record<string, number>;
}

export interface HistoricalJob {
  id: string;
  spec: HistoricalJobSpec;
  status: HistoricalJobStatus;
  /** Epoch ms. */
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  progress: HistoricalProgress;
  error: { code: string; message: string } | null;
  /** Epoch ms when the job and its result expire. */
  expiresAt: number;
}

export const emptyProgress = (): HistoricalProgress => ({
  eventsRead: 0,
  eventsRejected: 0,
  rowsWritten: 0,
  partitions: 1,
  partition: 0,
  sources: {},
});
