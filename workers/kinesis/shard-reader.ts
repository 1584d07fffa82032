/**
 * One shard's reader (process concern: timers, the loop). It holds the shard's lease while it runs (the
 * coordinator takes and renews it) and serves every view version that reads the shard now:
 *
 * 1. Taking a shard over, it first waits for the batch job the previous holder left in flight, so a shard never
 *    has two batches in flight.
 * 2. It starts at the earliest position its view versions need (core/kinesis/start-position.ts), from their
 *    marks and LATEST shard starts (latest-starts.ts), and starts again that way whenever its set of view
 *    versions changes.
 * 3. Each GetRecords result with records is one `kinesis-batch` job; it waits for the job, then saves its
 *    checkpoint (the last record; the views' marks, advanced by the job, are the exactly-once truth). While the
 *    job runs and the shard is behind, it already reads the next page (read-ahead.ts, paced like any call), so
 *    the stream is read while batches are applied; a page is enqueued only after the job before it
 *    finished, and dropped if the reader has to start again elsewhere.
 * 4. Pacing: at most 5 calls/s, idle when caught up (core/kinesis/pacing.ts); throttling backs off with jitter;
 *    an expired iterator is replaced by one AFTER_SEQUENCE_NUMBER the checkpoint.
 * 5. Fencing: each batch carries the lease generation; a batch whose lease was taken over is not applied (its
 *    result says `fenced`) and the reader stops at once, so a reader that missed losing its lease (renewals
 *    failing while Redis errors) never has a batch applied alongside the new holder's.
 * 6. At SHARD_END (after a reshard) it marks the shard finished for its view versions, which lets the children
 *    start, and returns 'finished'.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  arrivalOf,
  firstSeq,
  lastSeq,
  type RecordColumns,
} from '../../src/adapters/kinesis/record-columns.js';
import { kinesisErrorKind, type RecordsPage, type ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import { encodeWireRecords } from '../../src/adapters/queue/kinesis-job-codec.js';
import { type KinesisBatchResult, kinesisBatchJobId } from '../../src/adapters/queue/registry.js';
import { fullJitterDelay } from '../../src/core/backoff.js';
import { MIN_CALL_INTERVAL_MS, pollInterval, throttleBackoff } from '../../src/core/kinesis/pacing.js';
import {
  chooseStart,
  needOf,
  type ReaderCheckpoint,
  type StartSpec,
} from '../../src/core/kinesis/start-position.js';
import { compareSeq } from '../../src/core/sequence.js';
import type { ShardStore } from '../../src/ports/shard-store.js';
import type { ViewCounters } from '../../src/ports/view-counters.js';
import { kinesisSource } from '../../src/services/apply-kinesis-batch.js';
import { LatestStarts } from './latest-starts.js';
import { ReadAhead } from './read-ahead.js';
import type { ReaderView } from './reader-view.js';

/** What the readers and the batch worker report (src/adapters/metrics; optional). */
export interface KinesisMetrics {
  setMillisBehindLatest(stream: string, shard: string, ms: number): void;
  forgetShard(stream: string, shard: string): void;
  observeBatchApply(source: 'kinesis', seconds: number): void;
}

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

/**
 * Pages a reader reads beyond the batch it applies, while the shard is behind. One: with two, the Kinesis bench
 * drained its stream 8% slower (more pages held in memory, more collection work, on a process that applies them).
 */
const READ_AHEAD_PAGES = 1;

/** How long progress (lag) is kept without a batch before it is written again. */
const PROGRESS_EVERY_MS = 2000;

export class ShardReader {
  private views: ReaderView[];
  private viewsChanged = false;
  private stopping = false;
  private aborted = false;
  private wake: (() => void) | null = null;
  private readonly starts: LatestStarts;
  private done: Promise<ReaderEnd> | null = null;
  private readonly source: string;
  private readonly log: Logger;

  constructor(
    private readonly deps: ShardReaderDeps,
    readonly stream: string,
    readonly shardId: string,
    views: ReaderView[],
    /** Generation of the lease this reader holds: every batch carries it, and is applied only while it is current. */
    private readonly lease: number,
    /** Its parents (a reshard's) still listed: where a LATEST version started, it reads this from the start. */
    parents: readonly string[] = [],
  ) {
    this.views = sortViews(views);
    this.source = kinesisSource(stream, shardId);
    this.starts = new LatestStarts(deps.store, stream, shardId, parents);
    this.log = deps.log.child({ stream, shardId });
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
    const { api, store } = this.deps;
    const random = this.deps.random ?? Math.random;
    const [saved] = await store.progress(this.stream, [this.shardId]);
    if (saved?.inflight) {
      this.log.info({ job: saved.inflight }, 'waiting for the batch the previous holder left in flight');
      if (!(await this.deps.batches.settled(saved.inflight, () => this.aborted))) return 'aborted';
    }
    let checkpoint: ReaderCheckpoint | null =
      saved?.checkpoint && saved.arrivalMs !== null
        ? { seq: saved.checkpoint, arrivalMs: saved.arrivalMs }
        : null;
    let millisBehind: number | null = saved?.millisBehindLatest ?? null;
    let highWater: string | null = saved?.highWater ?? saved?.checkpoint ?? null;
    let iterator: string | null = null;
    /** Where the current iterator chain started; with `processedSinceStart`, where an expired one resumes. */
    let startSpec: StartSpec = { type: 'TRIM_HORIZON' };
    let resumeFrom: StartSpec | null = null;
    let processedSinceStart = false;
    let throttles = 0;
    /** A page came back with a next iterator: the shard was open while this reader read it. */
    let sawOpen = false;
    /** Consecutive GetShardIterator failures; `gettingIterator` tells a failure of that call from the others. */
    let iteratorFailures = 0;
    let gettingIterator = false;
    let lastCallAt = Number.NEGATIVE_INFINITY; // performance.now() once the last GetRecords call was sent (see pacedRead)
    let interval = 0;
    let progressAt = 0;
    const behind = (page: RecordsPage) =>
      pollInterval(
        {
          records: page.records.count,
          limit: this.deps.recordLimit,
          millisBehindLatest: page.millisBehindLatest,
        },
        this.deps.idleMs,
      ) === MIN_CALL_INTERVAL_MS;
    /**
     * The page at `from`, read once `interval` ms have passed since the last call on this shard (null when
     * `stopped()` turns true first: then no call is made). The clock is monotonic, and timers may fire a fraction
     * of a millisecond early, so it waits until the time has come. The clock is read once the call has been sent
     * (the client sends before its first await), so a pause between reading it and sending (a garbage
     * collection) can only lengthen the gap to the next call, never shorten it.
     */
    const pacedRead = async (
      from: string,
      interval: number,
      stopped: () => boolean,
      wait: (ms: number) => Promise<unknown>,
    ): Promise<RecordsPage | null> => {
      const due = lastCallAt + interval;
      while (!stopped() && performance.now() < due)
        await wait(Math.max(1, Math.ceil(due - performance.now())));
      if (stopped()) return null;
      const call = api.getRecords(from, this.deps.recordLimit);
      lastCallAt = performance.now();
      return call;
    };
    /**
     * Pages read while batches apply. A read ahead waits for its pacing slot like any call, and one dropped
     * before its slot never calls, so no call comes within 200 ms of another on this shard.
     */
    const ahead = new ReadAhead(
      async (from, dropped) => {
        const page = await pacedRead(from, MIN_CALL_INTERVAL_MS, dropped, sleep);
        if (!page) throw new Error('read-ahead dropped');
        return page;
      },
      READ_AHEAD_PAGES,
      behind,
    );

    const saveProgress = async (inflight: string | null) => {
      progressAt = Date.now();
      if (checkpoint && compareSeq(checkpoint.seq, highWater ?? '') > 0) highWater = checkpoint.seq;
      await store.saveProgress(this.stream, this.shardId, {
        checkpoint: checkpoint?.seq ?? null,
        highWater,
        arrivalMs: checkpoint?.arrivalMs ?? null,
        millisBehindLatest: millisBehind,
        inflight,
        updatedAt: progressAt,
      });
    };

    while (!this.stopping) {
      const views = this.views;
      try {
        if (iterator === null || this.viewsChanged) {
          ahead.drop(); // starting again elsewhere: the pages read ahead are not needed
          if (this.viewsChanged || resumeFrom === null) {
            this.viewsChanged = false;
            const marks = await Promise.all(
              views.map((v) => this.deps.counters.mark(v.name, v.version, this.source)),
            );
            await this.starts.load(views, marks, highWater);
            startSpec = chooseStart(
              views.map((v, i) =>
                needOf(v.startMs, marks[i]!, v.latest ? this.starts.get(v.ref) : undefined),
              ),
              checkpoint,
            );
            processedSinceStart = false;
            const latestStarts = this.starts.describe();
            this.log.info({ start: startSpec, views: refsOf(views), ...latestStarts }, 'reading shard');
          } else startSpec = resumeFrom;
          resumeFrom = null;
          if (iteratorFailures > 0) {
            await this.sleep(iteratorRetryDelay(iteratorFailures, random));
            if (this.stopping) break;
          }
          gettingIterator = true;
          iterator = await api.iterator(this.stream, this.shardId, startSpec);
          gettingIterator = false;
          if (iteratorFailures > 0) {
            this.log.info({ failures: iteratorFailures, start: startSpec }, 'shard iterator obtained again');
            iteratorFailures = 0;
          }
        }
        const early = ahead.take(iterator);
        const gap = interval;
        interval = MIN_CALL_INTERVAL_MS; // whatever happens next, never two calls within 200 ms
        const page: RecordsPage | null = early
          ? await early
          : await pacedRead(
              iterator,
              gap,
              () => this.stopping,
              (ms) => this.sleep(ms),
            );
        if (!page) break;
        throttles = 0;
        millisBehind = page.millisBehindLatest;
        this.deps.metrics?.setMillisBehindLatest(this.stream, this.shardId, millisBehind);
        if (page.records.count > 0) {
          if (!(await this.starts.fixPending(views, page.records))) {
            iterator = null; // another reader fixed an earlier start: read again from it
            this.viewsChanged = true;
            continue;
          }
          if (behind(page) && page.next !== null && !this.stopping) ahead.follow(page.next);
          const result = await this.runBatch(page.records, views, saveProgress);
          if (!result || result.fenced) {
            if (result?.fenced)
              this.log.warn({ lease: this.lease }, 'batch fenced: the lease was taken over');
            this.aborted = true;
            ahead.drop();
            return 'aborted';
          }
          const last = lastSeq(page.records);
          const lastArrival = page.records.arrivals[page.records.count - 1]!;
          const endArrival =
            result.batchEnd === last
              ? lastArrival
              : (arrivalOf(page.records, result.batchEnd) ?? lastArrival);
          checkpoint = { seq: result.batchEnd, arrivalMs: endArrival };
          processedSinceStart = true;
          await saveProgress(null);
          if (refsOf(views).join(',') !== [...result.views].sort().join(',')) {
            iterator = null; // an older job of other view versions covered this: start again from the marks
            this.viewsChanged = true;
            continue;
          }
          if (result.batchEnd !== last) {
            // An older job with the same first record ended earlier: go on right after its end.
            iterator = null;
            resumeFrom = { type: 'AFTER_SEQUENCE_NUMBER', seq: result.batchEnd };
            interval = MIN_CALL_INTERVAL_MS;
            continue;
          }
        } else if (Date.now() - progressAt > PROGRESS_EVERY_MS) {
          await saveProgress(null);
        }
        if (page.next === null) {
          if (this.viewsChanged) continue; // new view versions joined at the end: read again for them
          // LATEST versions that saw this shard open but no record in it: the reshard came after their start,
          // so their children are read from the start (recorded before the shard counts as finished).
          if (sawOpen) await this.starts.recordPendingAtShardEnd(views);
          for (const v of views) await store.markFinished(v.name, v.version, this.source);
          await saveProgress(null);
          this.log.info({ views: refsOf(views) }, 'shard finished (SHARD_END)');
          return 'finished';
        }
        iterator = page.next;
        sawOpen = true;
        interval = pollInterval(
          {
            records: page.records.count,
            limit: this.deps.recordLimit,
            millisBehindLatest: page.millisBehindLatest,
          },
          this.deps.idleMs,
        );
      } catch (err) {
        ahead.drop();
        if (this.aborted) return 'aborted';
        const kind = kinesisErrorKind(err);
        if (gettingIterator) {
          // GetShardIterator failed: back off before the next try (Kinesis allows 5 calls/s per shard) and
          // log the failing state once, not every try.
          gettingIterator = false;
          iterator = null;
          resumeFrom = startSpec;
          if (iteratorFailures++ === 0) {
            this.log.warn(
              { err: String(err), kind, start: startSpec },
              'GetShardIterator failed; backing off',
            );
          } else
            this.log.debug({ err: String(err), attempt: iteratorFailures }, 'GetShardIterator failed again');
        } else if (kind === 'throttled') {
          interval = throttleBackoff(throttles++, random());
          this.log.warn({ delayMs: interval, attempt: throttles }, 'throttled by Kinesis; backing off');
        } else if (kind === 'expired') {
          iterator = null;
          resumeFrom =
            processedSinceStart && checkpoint
              ? { type: 'AFTER_SEQUENCE_NUMBER', seq: checkpoint.seq }
              : startSpec;
          interval = MIN_CALL_INTERVAL_MS;
          this.log.info({ resumeFrom }, 'shard iterator expired; resuming from the checkpoint');
        } else {
          iterator = null; // start again from the marks: always safe
          interval = throttleBackoff(Math.min(throttles++, 4), random());
          this.log.warn({ err: String(err), kind, delayMs: interval }, 'shard read failed; retrying');
        }
        lastCallAt = performance.now();
      }
    }
    ahead.drop();
    return this.aborted ? 'aborted' : 'stopped';
  }

  /** Hands one GetRecords result to a batch job and waits for it (null when the lease was lost meanwhile). */
  private async runBatch(
    records: RecordColumns,
    views: readonly ReaderView[],
    saveProgress: (inflight: string | null) => Promise<void>,
  ): Promise<KinesisBatchResult | null> {
    const refs = refsOf(views);
    const digest = createHash('sha1').update(refs.join(',')).digest('hex').slice(0, 12);
    const jobId = kinesisBatchJobId(this.stream, this.shardId, firstSeq(records), digest, this.lease);
    await saveProgress(jobId);
    return this.deps.batches.run(
      jobId,
      {
        stream: this.stream,
        shardId: this.shardId,
        batchEnd: lastSeq(records),
        views: refs,
        lease: this.lease,
        starts: this.starts.forBatch(views),
        records: encodeWireRecords(records),
      },
      () => this.aborted,
    );
  }
}

/** Delay before GetShardIterator try `failures + 1`: jittered, growing, never under the 200 ms call interval. */
const iteratorRetryDelay = (failures: number, random: () => number) =>
  Math.max(MIN_CALL_INTERVAL_MS, fullJitterDelay(failures, 250, 10_000, random));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sortViews = (views: ReaderView[]) => [...views].sort((a, b) => a.ref.localeCompare(b.ref));
const refsOf = (views: readonly ReaderView[]) => views.map((v) => v.ref).sort();
