/**
 * Producer event ids remembered for duplicate detection (docs/semantics.md). An id is remembered while its event
 * time is >= watermark - allowedLateness (the "id floor"); the floor only rises, so an id that fell below it
 * is forgotten for good and may be accepted again. Lookups compare with the floor, so the answer is exact
 * whatever pruning has run; pruning only bounds memory.
 *
 * Pruning scans every id, so it runs only once the least remembered time is more than `slack` below the
 * floor: memory stays within allowedLateness + slack of event time, and with slack ~ allowedLateness / 2 each
 * id is scanned a few times in its life (amortized O(1) per event) instead of on every batch.
 *
 * Layout: `ids` maps '#' + id to the event time (epoch ms) of the accepted record with that id (the prefix keeps
 * ids such as `__proto__` or `constructor` plain data keys); `oldestIdTime` is a lower bound of the event times
 * in `ids` (exact after a prune), or null when `ids` is empty.
 */

export interface IdMemory {
  ids: Record<string, number>;
  oldestIdTime: number | null;
}

const key = (id: string): string => `#${id}`;

/** True when `id` was accepted with an event time >= floorT. */
export function isRemembered(ids: IdMemory, id: string, floorT: number): boolean {
  const t = ids.ids[key(id)];
  return typeof t === 'number' && t >= floorT;
}

export function rememberId(ids: IdMemory, id: string, t: number): void {
  ids.ids[key(id)] = t;
  if (ids.oldestIdTime === null || t < ids.oldestIdTime) ids.oldestIdTime = t;
}

/** Forgets ids with event time < floorT, once the least of them is more than `slack` ms below floorT. */
export function pruneIds(ids: IdMemory, floorT: number, slack: number): void {
  if (ids.oldestIdTime === null || ids.oldestIdTime >= floorT - slack) return;
  let least: number | null = null;
  for (const k of Object.keys(ids.ids)) {
    const t = ids.ids[k]!;
    if (t < floorT) delete ids.ids[k];
    else if (least === null || t < least) least = t;
  }
  ids.oldestIdTime = least;
}
