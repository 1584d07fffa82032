/**
 * Count windows ("the last N events by event time"): per field, the top-N accepted events carrying it, ranked by
 * (event time, arrival) — ties go to the later arrival.
 *
 * A list is a flat number array of ENTRY-sized entries (t epoch ms UTC, arrival, value), sorted ascending by
 * (t, arrival), so the most recent entry is last. It keeps at most `cap` entries: the most recent ones. A read
 * as of T uses the retained entries with t <= T; when older events were dropped to respect `cap`, a read as of
 * a time before the retained entries returns fewer events than N (docs/semantics.md allows it).
 */

export const ENTRY = 3;

/** Position (a multiple of ENTRY) just after the last entry with t <= time. */
export function endAtOrBefore(list: readonly number[], time: number): number {
  let lo = 0;
  let hi = list.length / ENTRY;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid * ENTRY]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo * ENTRY;
}

/** Position (a multiple of ENTRY) just after the last entry with t < time. */
export function endBefore(list: readonly number[], time: number): number {
  let lo = 0;
  let hi = list.length / ENTRY;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid * ENTRY]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo * ENTRY;
}

/**
 * Inserts (t, arrival, value), keeping the `cap` most recent entries. `arrival` must exceed every arrival in
 * the list, so the new entry goes after all entries with the same or an earlier event time.
 */
export function insertEntry(list: number[], cap: number, t: number, arrival: number, value: number): void {
  const pos = endAtOrBefore(list, t);
  const full = list.length >= cap * ENTRY;
  if (full && pos === 0) return; // older than everything retained: not among the top N
  if (pos === list.length) list.push(t, arrival, value);
  else list.splice(pos, 0, t, arrival, value);
  if (full) list.splice(0, list.length - cap * ENTRY);
}
