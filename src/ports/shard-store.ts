/**
 * What the shard readers keep in Redis besides the views' own marks: the stream's shard list (for status and
 * lineage), each shard's reader progress (resume point, lag, the batch job in flight), and per view version
 * which shards it has *finished* (read to SHARD_END and fully applied; gates the children of a reshard) and, for
 * LATEST, its *shard start* (the sequence number after which its records count; core/kinesis/start-position.ts).
 */
export interface StoredShard {
  shardId: string;
  /** ParentShardId and AdjacentParentShardId, when present. */
  parents: string[];
  /** True once the shard was closed by a reshard (it has an ending sequence number). */
  closed: boolean;
}

export interface ShardProgress {
  /** Last record the reader processed (all of the shard's view versions applied it), or null. */
  checkpoint: string | null;
  /** Its ApproximateArrivalTimestamp, epoch ms. */
  arrivalMs: number | null;
  millisBehindLatest: number | null;
  /**
   * The furthest record any reader processed on the shard (never moves back, unlike the checkpoint when a new
   * view version re-reads the shard): where a LATEST version seen for the first time starts. Absent in progress
   * saved before it existed.
   */
  highWater?: string | null;
  /** Batch job id in flight: a reader taking the shard over waits for it before it reads. */
  inflight: string | null;
  /** Epoch ms of this update. */
  updatedAt: number;
}

export interface ShardStore {
  saveShards(stream: string, shards: readonly StoredShard[]): Promise<void>;
  shards(stream: string): Promise<StoredShard[]>;
  progress(stream: string, shardIds: readonly string[]): Promise<(ShardProgress | null)[]>;
  saveProgress(stream: string, shardId: string, progress: ShardProgress): Promise<void>;
  /** For each (view, version, source): whether that view version finished the source. */
  finished(refs: readonly { view: string; version: number; source: string }[]): Promise<boolean[]>;
  markFinished(view: string, version: number, source: string): Promise<void>;
  /** For each (view, version, source): the view version's recorded shard start (LATEST), or null. */
  shardStarts(refs: readonly { view: string; version: number; source: string }[]): Promise<(string | null)[]>;
  /**
   * Records a view version's shard start unless one is recorded already (first writer wins); returns the one
   * recorded.
   */
  recordShardStart(view: string, version: number, source: string, seq: string): Promise<string>;
}
