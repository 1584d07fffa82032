/**
 * Kinesis shard leases and the registry of live worker processes (see workers/kinesis/coordinator.ts).
 * A lease names its holder and expires `ttlMs` after it was last taken or renewed; only the holder can renew or
 * release it. A process is live while it keeps heartbeating. Each take gets a new, larger generation.
 */
export interface ShardLeases {
  /**
   * Records this process as live for `ttlMs`; returns the ids of the processes that beat within the last half
   * `ttlMs` (this one included): those that are evidently still running.
   */
  heartbeat(processId: string, ttlMs: number): Promise<string[]>;
  /** Removes this process from the live set (graceful shutdown). */
  leave(processId: string): Promise<void>;
  /**
   * Takes the lease when it is free (or already ours). Returns its generation when we hold it now (a number that
   * grows with every take, the fencing token of the batches read under it), else null.
   */
  acquire(stream: string, shardId: string, owner: string, ttlMs: number): Promise<number | null>;
  /** The generation of the shard's latest take (0 before any). */
  generation(stream: string, shardId: string): Promise<number>;
  /** Extends our lease; false when it expired or someone else holds it. */
  renew(stream: string, shardId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Hands our lease back (no-op when we do not hold it). */
  release(stream: string, shardId: string, owner: string): Promise<void>;
  /** Current holder of each shard's lease, or null. */
  owners(stream: string, shardIds: readonly string[]): Promise<(string | null)[]>;
}
