/**
 * A shard reader's progress as kept in the shard store: its checkpoint (the last record every view version
 * applied, with its arrival time: where to resume, not the exactly-once truth, which is the views' marks), the
 * shard's high-water mark (never moves back), the last MillisBehindLatest and the batch job in flight.
 */
import type { Logger } from 'pino';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import type { ReaderCheckpoint } from '../../src/core/kinesis/start-position.js';
import { compareSeq } from '../../src/core/sequence.js';
import type { ShardProgress, ShardStore } from '../../src/ports/shard-store.js';

/** How long progress (lag) is kept without a batch before it is written again. */
const PROGRESS_EVERY_MS = 2000;

export class ReaderProgress {
  checkpoint: ReaderCheckpoint | null;
  millisBehind: number | null;
  /** The furthest record processed on the shard by any reader: where a LATEST version seen first starts. */
  highWater: string | null;
  private savedAt = 0;

  constructor(
    private readonly store: Pick<ShardStore, 'saveProgress'>,
    private readonly stream: string,
    private readonly shardId: string,
    saved: ShardProgress | null | undefined,
  ) {
    this.checkpoint =
      saved?.checkpoint && saved.arrivalMs !== null
        ? { seq: saved.checkpoint, arrivalMs: saved.arrivalMs }
        : null;
    this.millisBehind = saved?.millisBehindLatest ?? null;
    this.highWater = saved?.highWater ?? saved?.checkpoint ?? null;
  }

  /** True when nothing was saved for a while: the lag shown in the status would go stale. */
  due(): boolean {
    return Date.now() - this.savedAt > PROGRESS_EVERY_MS;
  }

  /** Saves the progress with `inflight` as the batch job in flight (null: none). */
  async save(inflight: string | null): Promise<void> {
    this.savedAt = Date.now();
    const { checkpoint } = this;
    if (checkpoint && compareSeq(checkpoint.seq, this.highWater ?? '') > 0) this.highWater = checkpoint.seq;
    await this.store.saveProgress(this.stream, this.shardId, {
      checkpoint: checkpoint?.seq ?? null,
      highWater: this.highWater,
      arrivalMs: checkpoint?.arrivalMs ?? null,
      millisBehindLatest: this.millisBehind,
      inflight,
      updatedAt: this.savedAt,
    });
  }
}

/**
 * A reader taking the shard over: waits for the batch job the previous holder left in flight (so a shard never
 * has two), then loads the progress; null when the reader was aborted meanwhile.
 */
export async function takeOver(
  deps: { store: Pick<ShardStore, 'progress' | 'saveProgress'>; batches: Pick<KinesisBatches, 'settled'> },
  stream: string,
  shardId: string,
  log: Logger,
  aborted: () => boolean,
): Promise<ReaderProgress | null> {
  const [saved] = await deps.store.progress(stream, [shardId]);
  if (saved?.inflight) {
    log.info({ job: saved.inflight }, 'waiting for the batch the previous holder left in flight');
    if (!(await deps.batches.settled(saved.inflight, aborted))) return null;
  }
  return new ReaderProgress(deps.store, stream, shardId, saved);
}
