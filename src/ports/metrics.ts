/**
 * What use cases and workers report to the metrics (implemented with prom-client in src/adapters/metrics).
 * Labels are bounded: view names, stream and shard ids, feature-group names; never entity ids or values.
 */

/** A record's outcome, as the view's counters count it (docs/semantics.md). */
export type RecordOutcome = 'accepted' | 'rejected' | 'late' | 'duplicate' | 'filtered';

/** The kind of ordered source a micro-batch came from. */
export type SourceKind = 'push' | 'kinesis';

export interface IngestMetrics {
  /** Adds `n` records of `view` with this outcome (called once per counted batch, so it matches the counters). */
  countRecords(view: string, outcome: RecordOutcome, n: number): void;
  /** Wall time to apply one micro-batch to the online store, in seconds. */
  observeBatchApply(source: SourceKind, seconds: number): void;
}

export interface ReadMetrics {
  /** Wall time of one online read (one or many entities), in seconds. */
  observeOnlineRead(view: string, seconds: number): void;
}

export interface StreamMetrics {
  /** The last `MillisBehindLatest` a shard reader saw. */
  setMillisBehindLatest(stream: string, shardId: string, ms: number): void;
  /** Drops a shard's gauge (its lease was handed back or the shard is finished). */
  forgetShard(stream: string, shardId: string): void;
  /** The largest `MillisBehindLatest` over the shards this process reads; null when it reads none. */
  maxMillisBehindLatest(): number | null;
}

/** Outcome of one SageMaker `PutRecord` attempt or write. */
export type SinkWriteOutcome = 'written' | 'retried' | 'failed' | 'dead_lettered';

export interface SinkMetrics {
  countSinkWrites(featureGroup: string, outcome: SinkWriteOutcome, n?: number): void;
}

/** What the HTTP layer records and serves. */
export interface HttpMetrics {
  /** Observes one HTTP request (route is the route pattern, never the raw URL). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text and its content type (`GET /metrics`). */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** The metrics the API process hands to its routes and services. */
export type ApiMetrics = HttpMetrics & IngestMetrics & ReadMetrics & SinkMetrics;
