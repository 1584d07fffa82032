/**
 * Resharding (pure). A split closes one shard and opens two children; a merge closes two and opens one. A child
 * may be read for a view version only once every parent is *finished* for it (read to SHARD_END and fully
 * applied), so each entity's records are still judged in order. A parent that ListShards no longer returns has
 * aged out of the stream's retention: it counts as finished.
 */

export interface ShardNode {
  shardId: string;
  /** ParentShardId and AdjacentParentShardId, when present. */
  parents: readonly string[];
}

/**
 * For each shard, the view versions that should read it now: those for which it is not finished and every
 * listed parent is. `finished(view, shardId)` says whether a view version finished a shard.
 */
export function shardAssignments<V>(
  shards: readonly ShardNode[],
  views: readonly V[],
  finished: (view: V, shardId: string) => boolean,
): Map<string, V[]> {
  const listed = new Set(shards.map((s) => s.shardId));
  const out = new Map<string, V[]>();
  for (const shard of shards) {
    const readers = views.filter(
      (v) => !finished(v, shard.shardId) && shard.parents.every((p) => !listed.has(p) || finished(v, p)),
    );
    if (readers.length > 0) out.set(shard.shardId, readers);
  }
  return out;
}
