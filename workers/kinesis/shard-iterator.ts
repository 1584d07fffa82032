/**
 * Where a shard reader's iterator chain stands: the current iterator, the start it was taken from, and what the
 * next GetShardIterator asks for (a fresh start from the view versions' marks, or a resume point). A failed
 * GetShardIterator is retried with jittered backoff from 250 ms to 10 s and logged once per state change; an
 * expired iterator resumes AFTER_SEQUENCE_NUMBER the checkpoint, or at its chain's start when nothing was
 * processed since.
 */
import type { Logger } from 'pino';
import type { ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import { fullJitterDelay } from '../../src/core/backoff.js';
import { MIN_CALL_INTERVAL_MS } from '../../src/core/kinesis/pacing.js';
import type { ReaderCheckpoint, StartSpec } from '../../src/core/kinesis/start-position.js';

export class ShardIterator {
  /** The iterator the next GetRecords reads from; null when a new one must be taken. */
  current: string | null = null;
  /** Where the current iterator chain started; with `processedSinceStart`, where an expired one resumes. */
  private startSpec: StartSpec = { type: 'TRIM_HORIZON' };
  private resumeFrom: StartSpec | null = null;
  private processedSinceStart = false;
  /** Consecutive GetShardIterator failures; `requesting` tells a failure of that call from the others. */
  private failures = 0;
  private requesting = false;

  constructor(
    private readonly api: Pick<ShardApi, 'iterator'>,
    private readonly stream: string,
    private readonly shardId: string,
    private readonly log: Logger,
  ) {}

  /** A fresh start is due (rather than a resume point): nothing to resume from, or `restart` says so. */
  needsFreshStart(restart: boolean): boolean {
    return restart || this.resumeFrom === null;
  }

  /** The next iterator starts at `start`, a fresh start chosen from the marks. */
  startAt(start: StartSpec): void {
    this.startSpec = start;
    this.processedSinceStart = false;
    this.resumeFrom = null;
  }

  /** The next iterator starts at the resume point. */
  resume(): void {
    this.startSpec = this.resumeFrom ?? this.startSpec;
    this.resumeFrom = null;
  }

  /**
   * Takes the iterator at the planned start, after the backoff of earlier failures (false, with no call made,
   * when `stopped()` turns true during it).
   */
  async acquire(sleep: (ms: number) => Promise<void>, stopped: () => boolean, random: () => number) {
    if (this.failures > 0) {
      await sleep(iteratorRetryDelay(this.failures, random));
      if (stopped()) return false;
    }
    this.requesting = true;
    this.current = await this.api.iterator(this.stream, this.shardId, this.startSpec);
    this.requesting = false;
    if (this.failures > 0) {
      this.log.info({ failures: this.failures, start: this.startSpec }, 'shard iterator obtained again');
      this.failures = 0;
    }
    return true;
  }

  /**
   * If `err` came from GetShardIterator, records the failure (the next try backs off and asks for the same start;
   * the first failure of a run is logged as a warning) and returns true.
   */
  failedToAcquire(err: unknown, kind: string): boolean {
    if (!this.requesting) return false;
    // Back off before the next try (Kinesis allows 5 calls/s per shard) and log the failing state once.
    this.requesting = false;
    this.current = null;
    this.resumeFrom = this.startSpec;
    if (this.failures++ === 0) {
      this.log.warn(
        { err: String(err), kind, start: this.startSpec },
        'GetShardIterator failed; backing off',
      );
    } else this.log.debug({ err: String(err), attempt: this.failures }, 'GetShardIterator failed again');
    return true;
  }

  /** Records of this chain were processed: an expiry resumes after the checkpoint. */
  processed(): void {
    this.processedSinceStart = true;
  }

  /** The page's next iterator continues the chain. */
  advance(next: string): void {
    this.current = next;
  }

  /** Drops the iterator: the next one is a fresh start (or the resume point, if one is set). */
  drop(): void {
    this.current = null;
  }

  /** Drops the iterator; the next one starts right after `seq`. */
  resumeAfter(seq: string): void {
    this.current = null;
    this.resumeFrom = { type: 'AFTER_SEQUENCE_NUMBER', seq };
  }

  /** The iterator expired: the next one resumes after the checkpoint, or where the chain started. */
  expired(checkpoint: ReaderCheckpoint | null): StartSpec {
    this.current = null;
    this.resumeFrom =
      this.processedSinceStart && checkpoint
        ? { type: 'AFTER_SEQUENCE_NUMBER', seq: checkpoint.seq }
        : this.startSpec;
    return this.resumeFrom;
  }
}

/** Delay before GetShardIterator try `failures + 1`: jittered, growing, never under the 200 ms call interval. */
const iteratorRetryDelay = (failures: number, random: () => number) =>
  Math.max(MIN_CALL_INTERVAL_MS, fullJitterDelay(failures, 250, 10_000, random));
