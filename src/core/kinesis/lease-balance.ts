/**
 * Lease balancing (pure). Every live worker process aims at `ceil(shards / live processes)` shards: it takes free
 * shards up to that, and beyond it every free shard the other live processes cannot absorb within their own
 * share, so a free shard never waits for a process that is not there to take it. A process above its share
 * hands back the excess, but only as many as the others lack beyond the free shards. Leases of dead processes
 * expire and become free; "live" means heard from within the last heartbeat period (redis-shard-leases.ts), so
 * a dead process stops counting well before its leases expire.
 */

export interface LeaseView {
  /** Shards that need a reader now (keys such as `<stream>/<shardId>`). */
  shards: readonly string[];
  /** Current holder per shard; absent or null when free. */
  owners: ReadonlyMap<string, string | null>;
  me: string;
  /** Ids of the live worker processes (this one is counted whether listed or not). */
  live: readonly string[];
}

export interface LeasePlan {
  acquire: string[];
  release: string[];
  target: number;
}

/** `order` ranks free shards (lower first): pass a per-process shuffle so processes do not all race for one. */
export function planLeases(view: LeaseView, order: (shard: string) => number = () => 0): LeasePlan {
  const live = new Set([...view.live, view.me]);
  const target = Math.ceil(view.shards.length / live.size);
  const held = new Map<string, number>();
  for (const s of view.shards) {
    const owner = view.owners.get(s);
    if (owner) held.set(owner, (held.get(owner) ?? 0) + 1);
  }
  let othersLack = 0;
  for (const p of live) if (p !== view.me) othersLack += Math.max(0, target - (held.get(p) ?? 0));
  const mine = view.shards.filter((s) => view.owners.get(s) === view.me).sort();
  const free = view.shards.filter((s) => !view.owners.get(s)).sort((a, b) => order(a) - order(b));
  const handBack = Math.min(mine.length - target, othersLack - free.length);
  if (handBack > 0) return { acquire: [], release: mine.slice(mine.length - handBack), target };
  const take = Math.max(target - mine.length, free.length - othersLack);
  return { acquire: free.slice(0, Math.max(0, take)), release: [], target };
}
