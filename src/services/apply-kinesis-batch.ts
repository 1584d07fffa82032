/**
 * Applies one Kinesis micro-batch (one GetRecords result of one shard) to every view version it names, with
 * exactly-once effect: per view version, records at or below its mark for the shard are skipped, and so are
 * records before its start position (at or below its shard start for LATEST, arrived before `atTimestamp`),
 * which are counted per shard as `skippedBeforeStart`; the rest are decoded against that version; bad ones go to
 * the dead-letter store (id `k:<stream>:<shard>:<seq>@<version>`: the store is per view, and a record rejected by
 * two versions is two dead letters; stored once whatever re-runs happen) and the good ones are applied by
 * `applySourceBatch` (source `k:<stream>:<shard>`, batch end = the last record's sequence number).
 */

import { type DecodedJson, decodeJsonSlices } from '../core/decode-json.js';
import { decodeRecordEvents } from '../core/decode-record.js';
import type { SequencedEvent } from '../core/entity-batch.js';
import { EddyError, ErrorCode } from '../core/errors.js';
import type { CompiledView } from '../core/feature-view.js';
import { startTimeOf, wantsRecord } from '../core/kinesis/start-position.js';
import type { Rejected } from '../core/reject.js';
import { compareSeq } from '../core/sequence.js';
import type { DeadLetter, DeadLetterStore } from '../ports/dead-letters.js';
import type { KinesisBatch, KinesisBatchResult, ViewRef } from '../ports/kinesis-batches.js';
import type { ShardLeases } from '../ports/shard-leases.js';
import { type ApplyDeps, applySourceBatch } from './apply-source-batch.js';
import type { ViewCatalog } from './view-catalog.js';

export interface KinesisApplyDeps extends ApplyDeps {
  catalog: ViewCatalog;
  /** The shard leases' generations: a batch read under an older lease than the latest is not applied. */
  leases: Pick<ShardLeases, 'generation'>;
  deadLetters: DeadLetterStore;
  /** Runs one view version's application, retrying transient failures in place (see retry-in-place.ts). */
  retry?: <T>(op: () => Promise<T>) => Promise<T>;
  clock?: () => number;
}

export const kinesisSource = (stream: string, shardId: string) => `k:${stream}:${shardId}`;
export const viewRef = (name: string, version: number): ViewRef => `${name}@${version}`;
export function parseViewRef(ref: ViewRef): { name: string; version: number } {
  const at = ref.lastIndexOf('@');
  return { name: ref.slice(0, at), version: Number(ref.slice(at + 1)) };
}

/** What one view version's application adds to the batch's result. */
type ViewCount = Partial<Pick<KinesisBatchResult, 'accepted' | 'late' | 'duplicate' | 'rejected' | 'failed'>>;

/** One batch being applied: its records decoded once for every view version. */
interface BatchRun {
  deps: KinesisApplyDeps;
  data: KinesisBatch;
  source: string;
  retry: <T>(op: () => Promise<T>) => Promise<T>;
  /** Time the dead letters are stored at. */
  now: number;
  /** Sequence numbers in shard order (ascending). */
  seqs: string[];
  payloads: DecodedJson[];
  /** Record i as a dead letter keeps it: its JSON value, or its text (base64 when it is not UTF-8). */
  recordOf: (i: number) => unknown;
}

/** A view version the batch is applied to, with where its records start. */
interface ViewTarget {
  name: string;
  version: number;
  compiled: CompiledView;
  /** `atTimestamp` start (epoch ms), else null. */
  startMs: number | null;
  /** LATEST: the recorded shard start ('' when none: the mark decides). */
  shardStart: string;
}

/** A batch's result before any of its records is counted. */
export const noRecordsApplied = (batch: Pick<KinesisBatch, 'batchEnd' | 'views'>): KinesisBatchResult => ({
  batchEnd: batch.batchEnd,
  views: batch.views,
  accepted: 0,
  late: 0,
  duplicate: 0,
  rejected: 0,
  failed: 0,
});

export async function applyKinesisBatch(
  deps: KinesisApplyDeps,
  data: KinesisBatch,
  onViewFailure: (ref: ViewRef, err: unknown) => void = () => {},
): Promise<KinesisBatchResult> {
  const retry = deps.retry ?? ((op) => op());
  const now = (deps.clock ?? Date.now)();
  const result = noRecordsApplied(data);
  if (await isFenced(deps, data, retry)) return { ...result, fenced: true };
  const run = decodeBatch(deps, data, retry, now);
  try {
    for (const ref of data.views) addCount(result, await applyToViewVersion(run, ref, onViewFailure));
  } catch (err) {
    if (err instanceof BatchFenced) return { ...result, fenced: true };
    throw err;
  }
  return result;
}

/**
 * Fencing: a reader that lost its lease may still enqueue batches, with other boundaries than the new holder's;
 * applied, they would make per-entity marks skip records. The new holder takes the lease (a new generation)
 * before it reads the in-flight job id it waits for, and a reader records that id before it enqueues, so a batch
 * that passes this check is one the new holder waits for; any later one fails it. One GET per batch.
 */
async function isFenced(
  deps: KinesisApplyDeps,
  data: KinesisBatch,
  retry: BatchRun['retry'],
): Promise<boolean> {
  if (data.lease === undefined) return false; // enqueued before fencing existed
  const current = await retry(() => deps.leases.generation(data.stream, data.shardId));
  return current !== data.lease;
}

/** Thrown by a retried attempt that finds the batch's lease taken over: nothing more of the batch is applied. */
class BatchFenced extends Error {}

/** Bytes -> JSON once for every view version; a record's raw bytes are sliced only for the few that need them. */
function decodeBatch(
  deps: KinesisApplyDeps,
  data: KinesisBatch,
  retry: BatchRun['retry'],
  now: number,
): BatchRun {
  const columns = data.records;
  const seqs = columns.count === 0 ? [] : columns.seqs.split(',');
  const payloads = decodeJsonSlices(columns.data, columns.sizes);
  let offsets: number[] | undefined; // where each payload starts, for the few that need their bytes
  const recordOf = (i: number): unknown => {
    const json = payloads[i]!;
    if (json.ok) return json.value;
    if (!offsets) {
      offsets = new Array<number>(columns.count);
      for (let k = 0, at = 0; k < columns.count; at += columns.sizes[k]!, k++) offsets[k] = at;
    }
    return rawRecord(columns.data.subarray(offsets[i]!, offsets[i]! + columns.sizes[i]!), json);
  };
  const source = kinesisSource(data.stream, data.shardId);
  return { deps, data, source, retry, now, seqs, payloads, recordOf };
}

/**
 * Applies the batch to one view version (nothing when the version is gone). A failure that is not transient
 * dead-letters the version's records with the reason, so one broken view never blocks the shard for the others.
 */
async function applyToViewVersion(
  run: BatchRun,
  ref: ViewRef,
  onViewFailure: (ref: ViewRef, err: unknown) => void,
): Promise<ViewCount> {
  const { name, version } = parseViewRef(ref);
  const resolved = await resolveVersion(run, name, version);
  if (!resolved) return {};
  const { view, compiled } = resolved;
  const startMs = startTimeOf(view.source.type === 'kinesis' ? view.source.startPosition : undefined);
  // LATEST: the records after the version's shard start count (absent: no start recorded, the mark decides).
  const shardStart = run.data.starts?.[ref] ?? '';
  let attempts = 0;
  try {
    return await run.retry(async () => {
      // A retry may come after a long outage, long enough for the lease to move: check the fence again.
      if (attempts++ > 0 && (await isFenced(run.deps, run.data, (op) => op()))) throw new BatchFenced();
      return applyOnce(run, { name, version, compiled, startMs, shardStart });
    });
  } catch (err) {
    if (err instanceof BatchFenced) throw err;
    onViewFailure(ref, err);
    return { failed: await deadLetterBatch(run, name, version, err) };
  }
}

/** The view version, or null when it is gone; a version newer than this process's cached latest is looked up fresh. */
function resolveVersion(run: BatchRun, name: string, version: number) {
  const { catalog } = run.deps;
  return run.retry(() =>
    catalog
      .get(name, version)
      .catch((err) => (isNotFound(err) ? catalog.get(name, version, { fresh: true }) : Promise.reject(err)))
      .catch((err) => (isNotFound(err) ? null : Promise.reject(err))),
  );
}

/** One attempt at applying the batch to a view version: skip, decode, dead-letter, apply and count. */
async function applyOnce(run: BatchRun, target: ViewTarget): Promise<ViewCount> {
  const { deps, data } = run;
  const { name, version, compiled } = target;
  const mark = await deps.counters.mark(name, version, run.source);
  if (compareSeq(mark, data.batchEnd) >= 0) return {}; // applied and counted before
  const { byEntity, letters, skippedBeforeStart, filtered } = sortRecords(run, target, mark);
  await deps.deadLetters.add(name, version, letters);
  const count = await applySourceBatch(deps, compiled, {
    source: run.source,
    batchEnd: data.batchEnd,
    byEntity,
    rejected: letters.length,
    skippedBeforeStart,
    filtered,
  });
  return { accepted: count.accepted, late: count.late, duplicate: count.duplicate, rejected: letters.length };
}

/** The records for a view version, decoded and grouped by entity; the rejected ones as dead letters. */
function sortRecords(run: BatchRun, target: ViewTarget, mark: string) {
  const { seqs, payloads, data } = run;
  const { name, version, compiled, startMs, shardStart } = target;
  const arrivals = data.records.arrivals;
  const byEntity = new Map<string, SequencedEvent[]>();
  const letters: DeadLetter[] = [];
  let skippedBeforeStart = 0;
  let filtered = 0;
  const after = compareSeq(shardStart, mark) > 0 ? shardStart : mark;
  // Usually the whole batch is past the mark and the shard start: then only the start time is checked.
  const pastAfter = seqs.length > 0 && compareSeq(seqs[0]!, after) > 0;
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    const arrivalMs = arrivals[i]!;
    if (pastAfter ? startMs !== null && arrivalMs < startMs : !wantsRecord(startMs, after, seq, arrivalMs)) {
      // Applied before (at or below the mark), or before the start position: only the latter is counted.
      if (compareSeq(seq, mark) > 0) skippedBeforeStart++;
      continue;
    }
    const json = payloads[i]!;
    const decoded = json.ok ? decodeRecordEvents(compiled, json.value, arrivalMs) : json;
    if (!decoded.ok) {
      letters.push(deadLetter(data, name, version, seq, decoded, run.recordOf(i), run.now));
      continue;
    }
    filtered += decoded.filtered;
    // A record's events share its sequence number: they are applied (or skipped as applied) together.
    for (const { entity, event } of decoded.events) {
      const events = byEntity.get(entity) ?? [];
      if (events.length === 0) byEntity.set(entity, events);
      events.push({ ...event, seq });
    }
  }
  return { byEntity, letters, skippedBeforeStart, filtered };
}

/** Every record of the batch as a dead letter of the view version that could not apply it; returns those stored. */
function deadLetterBatch(run: BatchRun, name: string, version: number, err: unknown): Promise<number> {
  const reason = `batch could not be applied: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}`;
  const letters = run.seqs.map((seq, i) =>
    deadLetter(run.data, name, version, seq, { code: 'PROCESSING_FAILED', reason }, run.recordOf(i), run.now),
  );
  return run.deps.deadLetters.add(name, version, letters);
}

function addCount(result: KinesisBatchResult, count: ViewCount): void {
  result.accepted += count.accepted ?? 0;
  result.late += count.late ?? 0;
  result.duplicate += count.duplicate ?? 0;
  result.rejected += count.rejected ?? 0;
  result.failed += count.failed ?? 0;
}

const isNotFound = (err: unknown) =>
  err instanceof EddyError &&
  (err.code === ErrorCode.FEATURE_VIEW_NOT_FOUND || err.code === ErrorCode.VERSION_NOT_FOUND);

function rawRecord(bytes: Buffer, json: Rejected): string {
  return json.code === 'INVALID_UTF8' ? bytes.toString('base64') : bytes.toString('utf8');
}

function deadLetter(
  data: KinesisBatch,
  view: string,
  version: number,
  seq: string,
  rejected: { code: string; reason: string },
  record: unknown,
  now: number,
): DeadLetter {
  return {
    id: `${kinesisSource(data.stream, data.shardId)}:${seq}@${version}`,
    view,
    version,
    code: rejected.code,
    reason: rejected.reason,
    storedAt: new Date(now).toISOString(),
    source: { type: 'kinesis', shardId: data.shardId, sequenceNumber: seq },
    record,
    replays: 0,
  };
}
