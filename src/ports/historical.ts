/**
 * What historical-features jobs need from storage and from the queue (services/historical/). Uploads and results
 * are stored as chunks of text lines; a result is published whole or not at all.
 */
import type { HistoricalJob, HistoricalJobSpec, HistoricalProgress } from '../core/historical/job.js';

export type UploadFormat = 'csv' | 'ndjson';

export interface UploadMeta {
  id: string;
  format: UploadFormat;
  /** Data lines (CSV: without the header). */
  rows: number;
  bytes: number;
  /** CSV only: the header's column names. */
  header?: string[];
  /** Epoch ms. */
  expiresAt: number;
}

export interface HistoricalUploads {
  /** Stores an upload from batches of lines; it becomes visible (meta) only once complete. */
  create(
    id: string,
    format: UploadFormat,
    batches: AsyncIterable<string[]>,
    header?: string[],
  ): Promise<UploadMeta>;
  meta(id: string): Promise<UploadMeta | null>;
  /** The upload's data lines in order, in batches. */
  read(id: string): AsyncIterable<string[]>;
  /** The same lines as stored: chunks of lines joined by `\n` (no blank lines). */
  chunks(id: string): AsyncIterable<string>;
}

export interface HistoricalJobs {
  /** Stores a new job as `queued`. */
  create(job: HistoricalJob): Promise<void>;
  get(id: string): Promise<HistoricalJob | null>;
  /**
   * Claims the job for a run (`attempt`: unique per run): status `running`, earlier runs' partial results
   * dropped. False when the job is gone, cancelled or finished.
   */
  start(id: string, attempt: string): Promise<boolean>;
  progress(id: string, attempt: string, progress: HistoricalProgress): Promise<void>;
  /** Appends result lines to the run's hidden result. */
  append(id: string, attempt: string, lines: readonly string[]): Promise<void>;
  /** Atomically makes the run's result the job's result and the job `succeeded`; false if the run was superseded or cancelled. */
  publish(id: string, attempt: string, progress: HistoricalProgress): Promise<boolean>;
  fail(id: string, attempt: string, error: { code: string; message: string }): Promise<void>;
  /** Cancels a queued or running job (its hidden result is dropped); the job as it is now, or null. */
  cancel(id: string): Promise<HistoricalJob | null>;
  /** The published result's lines in order, in batches. */
  result(id: string): AsyncIterable<string[]>;
}

export interface HistoricalQueue {
  enqueue(id: string): Promise<void>;
  /** Removes a job that has not started; no-op otherwise. */
  remove(id: string): Promise<void>;
}

/** One record of an events source as read: its payload (a JSON text), its source and its arrival time (epoch ms). */
export interface SourceBatch {
  /** `upload`, or the Kinesis shard id. */
  source: string;
  payloads: string[];
  arrivals: number[];
}

/** Reads a job's history in the source's order (Kinesis: every shard, parents before children). */
export interface HistoricalEventReader {
  read(spec: HistoricalJobSpec['events'], signal: AbortSignal): AsyncIterable<SourceBatch>;
}

export type { HistoricalJobSpec };
