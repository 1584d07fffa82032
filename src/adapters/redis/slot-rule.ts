/**
 * The slot rule: which keys may share one command. A Redis Cluster runs a command (a script, an MGET) only when
 * all its keys hash to one slot; one server runs any. Callers with many keys (the batched entity scripts, the
 * read path's MGET) split them with `groupBySlot` and send one command per group; `sendPerNode` sends the
 * commands bound for one node as one pipeline (one write, one round trip per node).
 */
import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander, Redis } from 'ioredis';

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

/**
 * Sends one command per group (`add` queues it on the pipeline it is given) and returns the replies in the groups'
 * order. On a cluster the groups bound for one master, as the client maps slots now, share one pipeline: a batch
 * read of 100 entities is about 60 slot groups but only one round trip per master. A group whose slot the client
 * has not mapped gets a pipeline of its own (the client routes and redirects it as any command).
 */
export async function sendPerNode<T>(
  redis: Redis,
  keys: readonly string[],
  groups: readonly number[][],
  add: (pipeline: ChainableCommander, group: readonly number[]) => void,
): Promise<T[]> {
  const slots = redis.isCluster ? (redis as unknown as { slots: string[][] }).slots : [];
  const byNode = new Map<string, number[]>();
  groups.forEach((group, j) => {
    const node = redis.isCluster ? slots[calculateSlot(keys[group[0]!]!)]?.[0] : 'one';
    const batch = node ? byNode.get(node) : undefined;
    if (batch) batch.push(j);
    else byNode.set(node ?? `unmapped-${j}`, [j]);
  });
  const replies: T[] = new Array(groups.length);
  await Promise.all(
    [...byNode.values()].map(async (js) => {
      const pipeline = redis.pipeline();
      for (const j of js) add(pipeline, groups[j]!);
      const results = (await pipeline.exec()) ?? [];
      js.forEach((j, k) => {
        const [err, value] = results[k] ?? [new Error('no reply')];
        if (err) throw err;
        replies[j] = value as T;
      });
    }),
  );
  return replies;
}
