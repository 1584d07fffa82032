/**
 * Lease balancing (pure). Every live worker process aims at `ceil(shards / live processes)` shards: it takes free
 * shards up to that and hands back what it holds above it, so the shards spread evenly and every shard is
 * covered (the targets add up to at least the number of shards). Leases of dead processes expire and become
 * free, which is how a dead process's shards are taken over.
 */

export interface LeaseView {
  /** Shards that need a reader now (keys such as `<stream>/<shardId>`). */
  shards: readonly string[];
  /** Current holder per shard; absent or null when free. */
  owners: ReadonlyMap<string, string | null>;
  me: string;
  /** Live worker processes, this one included. */
  live: number;
}

export interface LeasePlan {
  acquire: string[];
  release: string[];
  target: number;
}

/** `order` ranks free shards (lower first): pass a per-process shuffle so processes do not all race for one. */
export function planLeases(view: LeaseView, order: (shard: string) => number = () => 0): LeasePlan {
  const target = Math.ceil(view.shards.length / Math.max(1, view.live));
  const mine = view.shards.filter((s) => view.owners.get(s) === view.me).sort();
  if (mine.length > target) return { acquire: [], release: mine.slice(target), target };
  const free = view.shards.filter((s) => !view.owners.get(s)).sort((a, b) => order(a) - order(b));
  return { acquire: free.slice(0, target - mine.length), release: [], target };
}
