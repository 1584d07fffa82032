/**
 * Fetches of entities that were not cached when sent (their replies carry the whole state). A read of such an
 * entity waits for that fetch and then asks with the version it cached, so a burst of reads of a cold entity
 * transfers and decodes its state once; every read still asks the store after it started, so it sees every
 * write that completed before it.
 */
export class ColdFetches {
  private readonly pending = new Map<string, Promise<void>>();

  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Settles once every fetch in flight for one of `keys` has; null when there is none to wait for. */
  inFlightFor(keys: readonly string[]): Promise<unknown> | null {
    const waits: Promise<void>[] = [];
    for (const k of keys) {
      const pending = this.pending.get(k);
      if (pending) waits.push(pending);
    }
    return waits.length > 0 ? Promise.all(waits) : null;
  }

  /** Records `keys` as fetched by `sending` until it settles (whether it succeeds or fails). */
  track(keys: readonly string[], sending: Promise<unknown>): void {
    if (keys.length === 0) return;
    const settled = sending.then(
      () => {},
      () => {},
    );
    for (const k of keys) this.pending.set(k, settled);
    void settled.then(() => {
      for (const k of keys) if (this.pending.get(k) === settled) this.pending.delete(k);
    });
  }
}
