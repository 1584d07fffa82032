/**
 * The pacing of one shard's GetRecords calls (core/kinesis/pacing.ts): at most one call per 200 ms, fast while the
 * shard is behind, `idleMs` apart once caught up, and throttling or failures backed off with jitter. The gap
 * before the next call is set by the outcome of the last one.
 */
import type { RecordsPage, ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import { MIN_CALL_INTERVAL_MS, pollInterval, throttleBackoff } from '../../src/core/kinesis/pacing.js';
import { ReadAhead } from './read-ahead.js';

export interface PageLimits {
  recordLimit: number;
  idleMs: number;
}

/** The gap to keep after this page: short while the shard is behind or the page was full. */
export const gapAfter = (page: RecordsPage, limits: PageLimits) =>
  pollInterval(
    { records: page.records.count, limit: limits.recordLimit, millisBehindLatest: page.millisBehindLatest },
    limits.idleMs,
  );

/** The shard is behind after this page: the next one is worth reading ahead. */
export const isBehind = (page: RecordsPage, limits: PageLimits) =>
  gapAfter(page, limits) === MIN_CALL_INTERVAL_MS;

export class ReadPacer {
  /** performance.now() once the last GetRecords call was sent (see `read`). */
  private lastCallAt = Number.NEGATIVE_INFINITY;
  /** The gap the next call keeps after the last one. */
  private gap = 0;
  private throttles = 0;

  constructor(
    private readonly api: Pick<ShardApi, 'getRecords'>,
    private readonly recordLimit: number,
  ) {}

  /** The gap for the next call; any call after it keeps at least the minimum one, whatever happens. */
  takeGap(): number {
    const gap = this.gap;
    this.gap = MIN_CALL_INTERVAL_MS;
    return gap;
  }

  /**
   * The page at `from`, read once `gap` ms have passed since the last call on this shard (null when `stopped()`
   * turns true first: then no call is made). The clock is monotonic, and timers may fire a fraction of a
   * millisecond early, so it waits until the time has come. The clock is read once the call has been sent (the
   * client sends before its first await), so a pause between reading it and sending (a garbage collection) can
   * only lengthen the gap to the next call, never shorten it.
   */
  async read(
    from: string,
    gap: number,
    stopped: () => boolean,
    wait: (ms: number) => Promise<unknown>,
  ): Promise<RecordsPage | null> {
    const due = this.lastCallAt + gap;
    while (!stopped() && performance.now() < due) await wait(Math.max(1, Math.ceil(due - performance.now())));
    if (stopped()) return null;
    const call = this.api.getRecords(from, this.recordLimit);
    this.lastCallAt = performance.now();
    return call;
  }

  /** A page came back: throttling is over. */
  succeeded(): void {
    this.throttles = 0;
  }

  /** The next call waits as long as this page asks for. */
  pauseAfter(page: RecordsPage, limits: PageLimits): void {
    this.gap = gapAfter(page, limits);
  }

  /** The next call keeps only the minimum gap. */
  hurry(): void {
    this.gap = MIN_CALL_INTERVAL_MS;
  }

  /** Throttled by Kinesis: the next call backs off exponentially with full jitter; returns the delay. */
  throttled(random: () => number): { delayMs: number; attempt: number } {
    this.gap = throttleBackoff(this.throttles++, random());
    return { delayMs: this.gap, attempt: this.throttles };
  }

  /** Another failure: backs off like throttling, capped low (the reader starts again from the marks). */
  failed(random: () => number): number {
    this.gap = throttleBackoff(Math.min(this.throttles++, 4), random());
    return this.gap;
  }

  /** A call failed: the gap to the next one counts from now. */
  callEnded(): void {
    this.lastCallAt = performance.now();
  }

  /**
   * Read-ahead of up to `depth` pages while the shard is behind. A read ahead waits for its pacing slot like any
   * call, and one dropped before its slot never calls, so no call comes within 200 ms of another on this shard.
   */
  readAhead(depth: number, limits: PageLimits): ReadAhead {
    return new ReadAhead(
      async (from, dropped) => {
        const page = await this.read(from, MIN_CALL_INTERVAL_MS, dropped, sleep);
        if (!page) throw new Error('read-ahead dropped');
        return page;
      },
      depth,
      (page) => isBehind(page, limits),
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
