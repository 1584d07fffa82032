/**
 * What the shard readers keep in Redis besides the views' own marks: the stream's shard list (for status and
 * lineage), each shard's reader progress (resume point, lag, the batch job in flight), and per view version
 * which shards it has *finished* (read to SHARD_END and fully applied; gates the children of a reshard).
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
}
