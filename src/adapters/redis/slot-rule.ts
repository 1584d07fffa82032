/**
 * The slot rule: which keys may share one command. A Redis Cluster runs a command (a script, an MGET) only when
 * all its keys hash to one slot; one server runs any. Callers with many keys (the batched entity scripts, the
 * read path's MGET) split them with `groupBySlot` and send one command per group; on a cluster the client's
 * auto-pipelining then sends the commands bound for one node in one write (connect.ts).
 */
import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';

/**
 * Indices of `keys` grouped so every group's keys share a slot (one group of everything on one server); each
 * group at most `maxPerGroup` long (longer ones are cut in order). Groups keep the keys' order.
 */
export function groupBySlot(redis: Redis, keys: readonly string[], maxPerGroup: number): number[][] {
  if (!redis.isCluster)
    return cut(
      keys.map((_, i) => i),
      maxPerGroup,
    );
  const bySlot = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = calculateSlot(key);
    const group = bySlot.get(slot);
    if (group) group.push(i);
    else bySlot.set(slot, [i]);
  });
  return [...bySlot.values()].flatMap((group) => cut(group, maxPerGroup));
}

function cut(indices: number[], max: number): number[][] {
  if (indices.length <= max) return indices.length > 0 ? [indices] : [];
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += max) out.push(indices.slice(i, i + max));
  return out;
}

/** The replies of per-group calls (`replies[j]` answers `groups[j]` in order) back in the keys' order. */
export function inKeyOrder<T>(
  groups: readonly number[][],
  replies: readonly (readonly T[])[],
  length: number,
): T[] {
  const out: T[] = new Array(length);
  for (let j = 0; j < groups.length; j++) {
    const group = groups[j]!;
    const reply = replies[j]!;
    for (let k = 0; k < group.length; k++) out[group[k]!] = reply[k]!;
  }
  return out;
}
