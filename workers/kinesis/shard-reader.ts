/**
 * One shard's reader (process concern: timers, the loop). It holds the shard's lease while it runs (the
 * coordinator takes and renews it) and serves every view version that reads the shard now:
 * 1. Taking a shard over, it waits for the batch job the previous holder left in flight (reader-progress.ts).
 * 2. It starts at the earliest position its view versions need (core/kinesis/start-position.ts, latest-starts.ts,
 *    shard-iterator.ts), and starts again that way whenever its set of view versions changes.
 * 3. Each page with records is one `kinesis-batch` job; it waits for it, then checkpoints (batch-handoff.ts),
 *    reading the next page ahead meanwhile when behind (read-ahead.ts; read-pacer.ts: at most 5 calls/s).
 * 4. A batch whose lease was taken over is not applied (`fenced`) and the reader stops at once.
 * 5. At SHARD_END it marks the shard finished for its view versions (children may start): 'finished'.
 */
import type { Logger } from 'pino';
import { lastSeq } from '../../src/adapters/kinesis/record-columns.js';
import { kinesisErrorKind, type RecordsPage, type ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import { chooseStart, needOf, type StartSpec } from '../../src/core/kinesis/start-position.js';
import type { ShardStore } from '../../src/ports/shard-store.js';
import type { ViewCounters } from '../../src/ports/view-counters.js';
import { kinesisSource } from '../../src/services/apply-kinesis-batch.js';
import { type BatchHandOff, checkpointAfter, runBatch } from './batch-handoff.js';
import type { KinesisMetrics } from './kinesis-metrics.js';
import { LatestStarts } from './latest-starts.js';
import type { ReadAhead } from './read-ahead.js';
import { isBehind, ReadPacer } from './read-pacer.js';
import { type ReaderProgress, takeOver } from './reader-progress.js';
import { type ReaderView, refsOf, sortViews } from './reader-view.js';
import { ShardIterator } from './shard-iterator.js';

export interface ShardReaderDeps {
  api: ShardApi;
  batches: KinesisBatches;
  store: ShardStore;
  counters: Pick<ViewCounters, 'mark'>;
  recordLimit: number;
  idleMs: number;
  log: Logger;
  random?: () => number;
  metrics?: KinesisMetrics;
}

export type ReaderEnd = 'finished' | 'stopped' | 'aborted';
/** What one round of the loop leads to: another round, the end of the loop ('stop'), or the reader's end. */
type RoundEnd = 'next' | 'stop' | 'finished' | 'aborted';
/** Pages read beyond the batch being applied. One: more held in memory cost more collection than they save. */
const READ_AHEAD_PAGES = 1;

export class ShardReader {
  private views: ReaderView[];
  private viewsChanged = false;
  private stopping = false;
  private aborted = false;
  private wake: (() => void) | null = null;
  private done: Promise<ReaderEnd> | null = null;
  /** A page came back with a next iterator: the shard was open while this reader read it. */
  private sawOpen = false;
  private readonly starts: LatestStarts;
  private readonly source: string;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly iterator: ShardIterator;
  private readonly pacer: ReadPacer;
  /** Pages read while batches apply; one dropped before its pacing slot never calls. */
  private readonly ahead: ReadAhead;
  private readonly handOff: BatchHandOff;
  /** Loaded when the run starts (after the previous holder's batch in flight settled). */
  private progress!: ReaderProgress;

  constructor(
    private readonly deps: ShardReaderDeps,
    readonly stream: string,
    readonly shardId: string,
    views: ReaderView[],
    /** Generation of the lease this reader holds: every batch carries it, and is applied only while it is current. */
    lease: number,
    /** Its parents (a reshard's) still listed: where a LATEST version started, it reads this from the start. */
    parents: readonly string[] = [],
  ) {
    this.views = sortViews(views);
    this.source = kinesisSource(stream, shardId);
    this.starts = new LatestStarts(deps.store, stream, shardId, parents);
    this.log = deps.log.child({ stream, shardId });
    this.random = deps.random ?? Math.random;
    this.iterator = new ShardIterator(deps.api, stream, shardId, this.log);
    this.pacer = new ReadPacer(deps.api, deps.recordLimit);
    this.ahead = this.pacer.readAhead(READ_AHEAD_PAGES, deps);
    this.handOff = {
      batches: deps.batches,
      stream,
      shardId,
      lease,
      starts: this.starts,
      saveInflight: (jobId) => this.progress.save(jobId),
      aborted: () => this.aborted,
    };
  }

  /** The view versions that read this shard now; a change restarts reading from their marks. */
  setViews(views: ReaderView[]) {
    const next = sortViews(views);
    if (refsOf(next).join(',') !== refsOf(this.views).join(',')) {
      this.views = next;
      this.viewsChanged = true;
    }
  }

  start(): Promise<ReaderEnd> {
    this.done ??= this.run()
      .catch((err) => {
        this.log.error({ err }, 'shard reader failed');
        return 'stopped' as const;
      })
      .finally(() => this.deps.metrics?.forgetShard(this.stream, this.shardId));
    return this.done;
  }

  /** Graceful: finishes the batch in flight and its checkpoint, then stops. */
  async stop(): Promise<ReaderEnd> {
    this.stopping = true;
    this.wake?.();
    return this.done ?? 'stopped';
  }

  /** The lease was lost: stop at once, without waiting for the batch in flight (its job still runs). */
  abort() {
    this.aborted = true;
    this.stopping = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<ReaderEnd> {
    const progress = await takeOver(this.deps, this.stream, this.shardId, this.log, () => this.aborted);
    if (!progress) return 'aborted';
    this.progress = progress;
    while (!this.stopping) {
      const views = this.views;
      try {
        const end = await this.round(views);
        if (end === 'stop') break;
        if (end !== 'next') return end;
      } catch (err) {
        this.ahead.drop();
        if (this.aborted) return 'aborted';
        this.recover(err);
      }
    }
    this.ahead.drop();
    return this.aborted ? 'aborted' : 'stopped';
  }

  /** One page: take an iterator if needed, read, apply and checkpoint, then pace or finish the shard. */
  private async round(views: ReaderView[]): Promise<RoundEnd> {
    const needsIterator = this.iterator.current === null || this.viewsChanged;
    if (needsIterator && !(await this.takeIterator(views))) return 'stop';
    const page = await this.readPage(this.iterator.current!);
    if (!page) return 'stop';
    this.pacer.succeeded();
    this.progress.millisBehind = page.millisBehindLatest;
    this.deps.metrics?.setMillisBehindLatest(this.stream, this.shardId, page.millisBehindLatest);
    if (page.records.count > 0) {
      const end = await this.applyPage(page, views);
      if (end !== 'applied') return end;
    } else if (this.progress.due()) {
      await this.progress.save(null);
    }
    if (page.next === null) {
      if (this.viewsChanged) return 'next'; // new view versions joined at the end: read again for them
      return this.finishShard(views);
    }
    this.iterator.advance(page.next);
    this.sawOpen = true;
    this.pacer.pauseAfter(page, this.deps);
    return 'next';
  }

  /** Takes a new iterator: a fresh start from the marks, or the resume point (false: stopped meanwhile). */
  private async takeIterator(views: ReaderView[]): Promise<boolean> {
    this.ahead.drop(); // starting again elsewhere: the pages read ahead are not needed
    if (this.iterator.needsFreshStart(this.viewsChanged)) {
      this.viewsChanged = false;
      // A failure here (it loads the LATEST starts) must start fresh again, never resume without them.
      const start = await this.startFromMarks(views).catch((err: unknown) => {
        this.viewsChanged = true;
        throw err;
      });
      this.iterator.startAt(start);
    } else this.iterator.resume();
    return this.iterator.acquire(
      (ms) => this.sleep(ms),
      () => this.stopping,
      this.random,
    );
  }

  /** The earliest position the view versions need, from their marks, LATEST starts and the checkpoint. */
  private async startFromMarks(views: ReaderView[]): Promise<StartSpec> {
    const marks = await Promise.all(
      views.map((v) => this.deps.counters.mark(v.name, v.version, this.source)),
    );
    await this.starts.load(views, marks, this.progress.highWater);
    const start = chooseStart(
      views.map((v, i) => needOf(v.startMs, marks[i]!, v.latest ? this.starts.get(v.ref) : undefined)),
      this.progress.checkpoint,
    );
    this.log.info({ start, views: refsOf(views), ...this.starts.describe() }, 'reading shard');
    return start;
  }

  /** The page at `iterator`: the one read ahead, or one read now in its pacing slot (null: stopped first). */
  private async readPage(iterator: string): Promise<RecordsPage | null> {
    const early = this.ahead.take(iterator);
    const gap = this.pacer.takeGap();
    if (early) return early;
    return this.pacer.read(
      iterator,
      gap,
      () => this.stopping,
      (ms) => this.sleep(ms),
    );
  }

  /**
   * Hands the page's records to a batch job, waits for it and saves the checkpoint after it ('applied': go on
   * with the page's next iterator); or the round ends here: the reader starts again, or was fenced.
   */
  private async applyPage(page: RecordsPage, views: ReaderView[]): Promise<RoundEnd | 'applied'> {
    const { records } = page;
    if (!(await this.starts.fixPending(views, records))) {
      this.iterator.drop(); // another reader fixed an earlier start: read again from it
      this.viewsChanged = true;
      return 'next';
    }
    if (isBehind(page, this.deps) && page.next !== null && !this.stopping) this.ahead.follow(page.next);
    const result = await runBatch(this.handOff, records, views);
    if (!result || result.fenced) {
      if (result?.fenced)
        this.log.warn({ lease: this.handOff.lease }, 'batch fenced: the lease was taken over');
      this.aborted = true;
      this.ahead.drop();
      return 'aborted';
    }
    this.progress.checkpoint = checkpointAfter(records, result.batchEnd);
    this.iterator.processed();
    await this.progress.save(null);
    if (refsOf(views).join(',') !== [...result.views].sort().join(',')) {
      this.iterator.drop(); // an older job of other view versions covered this: start again from the marks
      this.viewsChanged = true;
      return 'next';
    }
    if (result.batchEnd !== lastSeq(records)) {
      // An older job with the same first record ended earlier: go on right after its end.
      this.iterator.resumeAfter(result.batchEnd);
      this.pacer.hurry();
      return 'next';
    }
    return 'applied';
  }

  /** SHARD_END: marks the shard finished for the view versions, which lets a reshard's children start. */
  private async finishShard(views: ReaderView[]): Promise<'finished'> {
    // LATEST versions that saw this shard open but no record in it: the reshard came after their start, so
    // their children are read from the start (recorded before the shard counts as finished).
    if (this.sawOpen) await this.starts.recordPendingAtShardEnd(views);
    for (const v of views) await this.deps.store.markFinished(v.name, v.version, this.source);
    await this.progress.save(null);
    this.log.info({ views: refsOf(views) }, 'shard finished (SHARD_END)');
    return 'finished';
  }

  /** A failed call: back off, resume or start again, by the kind of failure. */
  private recover(err: unknown): void {
    const kind = kinesisErrorKind(err);
    if (this.iterator.failedToAcquire(err, kind)) {
      // logged and backed off by the iterator
    } else if (kind === 'throttled') {
      const { delayMs, attempt } = this.pacer.throttled(this.random);
      this.log.warn({ delayMs, attempt }, 'throttled by Kinesis; backing off');
    } else if (kind === 'expired') {
      const resumeFrom = this.iterator.expired(this.progress.checkpoint);
      this.pacer.hurry();
      this.log.info({ resumeFrom }, 'shard iterator expired; resuming from the checkpoint');
    } else {
      this.iterator.drop(); // start again from the marks: always safe
      const delayMs = this.pacer.failed(this.random);
      this.log.warn({ err: String(err), kind, delayMs }, 'shard read failed; retrying');
    }
    this.pacer.callEnded();
  }
}
