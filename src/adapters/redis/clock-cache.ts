/**
 * A map bounded by the byte sizes its entries declare, evicting by CLOCK: oldest first, except that an entry
 * marked used since the sweep last passed it gets a second chance (moved to the end, unmarked). Marking an entry
 * used is a flag, not a re-insertion: re-inserting on every hit rebuilt the map's table over and over, garbage
 * that young-generation collections had to copy. An entry larger than a quarter of the budget is not kept.
 * A budget of 0 keeps nothing.
 */
export interface Sized {
  bytes: number;
  /** Set by the owner on use; cleared by the sweep. */
  used: boolean;
}

export class ClockCache<V extends Sized> {
  private readonly entries = new Map<string, V>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keeps `entry` under `key` (in place when the key is there), then evicts down to the budget. */
  set(key: string, entry: V): void {
    if (entry.bytes > this.maxBytes / 4) {
      this.delete(key);
      return;
    }
    const old = this.entries.get(key);
    if (old) this.total -= old.bytes;
    this.entries.set(key, entry);
    this.total += entry.bytes;
    // Each entry is passed at most twice (a second chance moves it to the end, unmarked), so this ends.
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      if (k === key) continue;
      this.entries.delete(k);
      if (e.used) {
        e.used = false;
        this.entries.set(k, e);
      } else this.total -= e.bytes;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.bytes;
    }
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }
}
