/**
 * The LATEST shard starts of one shard's reader (core/kinesis/start-position.ts). A LATEST view version's start
 * on a shard is recorded once in Redis (first writer wins) when a reader first serves the version there, so every
 * later reader, restart and child shard agrees on it, whatever the hosts' clocks say:
 * - the shard has a high-water mark (the furthest record any reader processed there): just after it;
 * - the shard is a child of a reshard and the version has a start in a parent: TRIM_START (all of it came after);
 * - else pending: the reader takes a LATEST iterator (the tip) and the first record it reads fixes the start just
 *   before that record; a version that saw the shard open but no record in it before SHARD_END gets TRIM_START,
 *   so its children are read whole.
 * Records at or below a start are not for the version (counted per shard as skipped before start).
 */
import { firstSeq, type RecordColumns } from '../../src/adapters/kinesis/record-columns.js';
import type { ViewRef } from '../../src/adapters/queue/registry.js';
import { seqBefore, TRIM_START } from '../../src/core/kinesis/start-position.js';
import { compareSeq } from '../../src/core/sequence.js';
import type { ShardStore } from '../../src/ports/shard-store.js';
import { kinesisSource } from '../../src/services/apply-kinesis-batch.js';
import type { ReaderView } from './reader-view.js';

export class LatestStarts {
  private readonly starts = new Map<ViewRef, string>();
  /** First-sight versions whose start the first record read will fix. */
  private pending: ReaderView[] = [];
  private readonly source: string;

  constructor(
    private readonly store: Pick<ShardStore, 'shardStarts' | 'recordShardStart'>,
    private readonly stream: string,
    shardId: string,
    /** The shard's parents still listed (a reshard's). */
    private readonly parents: readonly string[],
  ) {
    this.source = kinesisSource(stream, shardId);
  }

  /** A version's start (null while pending or unknown): `needOf`'s shard start. */
  get(ref: ViewRef): string | null {
    return this.starts.get(ref) ?? null;
  }

  /**
   * Loads the starts of the LATEST versions among `views` (`marks` in the same order) and records those of the
   * versions seen here for the first time (no start, no mark). A version with a mark but no start predates shard
   * starts: its mark decides alone.
   */
  async load(views: readonly ReaderView[], marks: readonly string[], highWater: string | null) {
    this.starts.clear();
    this.pending = [];
    const latest = views.filter((v) => v.latest);
    if (latest.length === 0) return;
    const stored = await this.store.shardStarts(latest.map((v) => this.ref(v, this.source)));
    const unseen = latest.filter((v, i) => stored[i] === null && marks[views.indexOf(v)] === '');
    const startedInParent = highWater ? new Set<ViewRef>() : await this.startedInParents(unseen);
    for (const [i, v] of latest.entries()) {
      let start = stored[i] ?? null;
      if (unseen.includes(v)) {
        const firstSight = highWater ?? (startedInParent.has(v.ref) ? TRIM_START : null);
        if (firstSight === null) this.pending.push(v);
        else start = await this.store.recordShardStart(v.name, v.version, this.source, firstSight);
      }
      if (start !== null) this.starts.set(v.ref, start);
    }
  }

  /**
   * Fixes the pending starts just before the page's first record. False when another reader recorded an earlier
   * one: this reader may have passed records that count, and must start again from the starts.
   */
  async fixPending(views: readonly ReaderView[], records: RecordColumns): Promise<boolean> {
    if (this.pending.length === 0) return true;
    const start = seqBefore(firstSeq(records));
    let ok = true;
    for (const v of this.pending) {
      if (!views.includes(v)) continue;
      const stored = await this.store.recordShardStart(v.name, v.version, this.source, start);
      this.starts.set(v.ref, stored);
      if (compareSeq(stored, start) < 0) ok = false;
    }
    this.pending = [];
    return ok;
  }

  /** At SHARD_END of a shard the reader saw open: pending versions started before the reshard. */
  async recordPendingAtShardEnd(views: readonly ReaderView[]) {
    for (const v of this.pending) {
      if (views.includes(v)) await this.store.recordShardStart(v.name, v.version, this.source, TRIM_START);
    }
    this.pending = [];
  }

  /** The starts a batch of `views` carries (KinesisBatchData.starts), or undefined when none has one. */
  forBatch(views: readonly ReaderView[]): Record<ViewRef, string> | undefined {
    if (this.starts.size === 0) return undefined;
    const out: Record<ViewRef, string> = {};
    for (const v of views) {
      const start = this.starts.get(v.ref);
      if (start !== undefined) out[v.ref] = start;
    }
    return out;
  }

  /** For the reader's log line. */
  describe(): { latestStarts?: Record<ViewRef, string>; pendingStarts?: ViewRef[] } {
    if (this.starts.size === 0 && this.pending.length === 0) return {};
    return { latestStarts: Object.fromEntries(this.starts), pendingStarts: this.pending.map((v) => v.ref) };
  }

  /** Versions with a start recorded in a parent shard: they read this child from its beginning. */
  private async startedInParents(views: readonly ReaderView[]): Promise<Set<ViewRef>> {
    const refs = views.flatMap((v) => this.parents.map((p) => this.ref(v, kinesisSource(this.stream, p))));
    const starts = await this.store.shardStarts(refs);
    return new Set(refs.filter((_, i) => starts[i] !== null).map((r) => r.ref));
  }

  private ref(v: ReaderView, source: string) {
    return { ref: v.ref, view: v.name, version: v.version, source };
  }
}
