/**
 * Runs one historical-features job (docs/semantics.md#point-in-time-training-data) on a worker.
 *
 * Memory bound: a pass holds the spine rows of one entity partition and, for those entities only, their accepted
 * events (8 bytes for the time and for each of the view's fields, outside the JS heap: accepted-events.ts). The
 * job starts with enough partitions for the spine
 * (`maxRows` rows each) and the events upload (`maxEvents` events each); a pass that still holds more than
 * `maxEvents` events restarts with twice the partitions. Every pass reads the whole events source, in order.
 *
 * A job over the online state (`events: {"type": "retained"}`) reads no history: each partition's entities are
 * read from the online store (retained-rows.ts).
 *
 * A run writes its rows under a hidden result and publishes it atomically at the end, so a crash (the job is
 * run again from the start by BullMQ's stalled-job recovery), a cancel or a failure never leaves a partial
 * result that reads as complete.
 */
import { decodeRecordEvents } from '../../core/decode-record.js';
import { EddyError, ErrorCode } from '../../core/errors.js';
import type { CompiledFeature, CompiledView } from '../../core/feature-view.js';
import { AcceptedEvents } from '../../core/historical/accepted-events.js';
import { emptyProgress, type HistoricalProgress } from '../../core/historical/job.js';
import { STATUS_COLUMN, trainingRowJson } from '../../core/historical/training-row.js';
import { EntityJudge, featuresAtTimes } from '../../core/point-in-time.js';
import type { EntitySnapshots } from '../../ports/entity-snapshots.js';
import type {
  HistoricalEventReader,
  HistoricalJobs,
  HistoricalUploads,
  UploadMeta,
} from '../../ports/historical.js';
import type { ViewCatalog } from '../view-catalog.js';
import { eventRecords } from './event-records.js';
import { retainedRows } from './retained-rows.js';
import { type IndexedRow, readSpinePartition } from './spine-source.js';

export interface HistoricalRunDeps {
  catalog: ViewCatalog;
  uploads: HistoricalUploads;
  jobs: HistoricalJobs;
  /** Reads Kinesis history; absent where Kinesis is not configured. */
  reader?: HistoricalEventReader;
  /** The online state, read as online reads read it (jobs over `retained` state). */
  snapshots?: EntitySnapshots;
  /** Accepted events held in memory by one pass, at most. */
  maxEvents: number;
  /** Spine rows held in memory by one pass, at most. */
  maxRows: number;
  /** Most partitions a job may use before it fails with JOB_TOO_LARGE. */
  maxPartitions?: number;
  /** How often progress is saved (ms). */
  progressEveryMs?: number;
}

/** A pass held more accepted events than the bound: run again with more partitions. */
class PassTooLarge extends Error {}

const RESULT_CHUNK = 2000;

/**
 * Runs job `id` as run `attempt`; resolves when the job is finished, failed, cancelled or superseded. An input
 * error (an EddyError) fails the job; any other error fails it only on the `lastTry`, else it is rethrown for the
 * queue to run the job again.
 */
export async function runHistoricalJob(
  deps: HistoricalRunDeps,
  id: string,
  attempt: string,
  lastTry = true,
): Promise<void> {
  const job = await deps.jobs.get(id);
  if (job === null || !(await deps.jobs.start(id, attempt))) return;
  const abort = new AbortController();
  const progress = emptyProgress();
  let saved = 0;
  const save = async (force = false) => {
    const now = Date.now();
    if (!force && now - saved < (deps.progressEveryMs ?? 500)) return;
    saved = now;
    await deps.jobs.progress(id, attempt, progress);
    const current = await deps.jobs.get(id);
    if (current === null || current.status !== 'running') abort.abort();
  };
  try {
    const { spec } = job;
    const { compiled } = await deps.catalog.get(spec.view, spec.version);
    const features = selected(compiled, spec.features);
    const spine = await uploadMeta(deps.uploads, spec.spine.upload);
    const eventsMeta =
      spec.events.type === 'upload' ? await uploadMeta(deps.uploads, spec.events.upload) : null;
    const retained = spec.events.type === 'retained';
    const reserved = new Set(features.map((f) => f.name));
    if (retained) reserved.add(STATUS_COLUMN);
    let partitions = Math.max(
      1,
      Math.ceil(spine.rows / deps.maxRows),
      eventsMeta === null ? 1 : Math.ceil(eventsMeta.rows / deps.maxEvents),
    );
    for (;;) {
      if (partitions > (deps.maxPartitions ?? 4096)) {
        throw new EddyError(
          ErrorCode.JOB_TOO_LARGE,
          `the job needs more than ${partitions / 2} entity partitions`,
        );
      }
      progress.partitions = partitions;
      try {
        // Drops the rows of a pass that ran out of room; false: cancelled meanwhile.
        if (!(await deps.jobs.start(id, attempt))) return;
        progress.rowsWritten = 0;
        if (retained) progress.sources = {};
        for (let p = 0; p < partitions; p++) {
          progress.partition = p;
          const rows = await readSpinePartition(deps.uploads, spine, reserved, p, partitions, deps.maxRows);
          if (rows === 'too-large') throw new PassTooLarge();
          if (retained) {
            if (deps.snapshots === undefined) throw new Error('no online state reader in this process');
            const lines = await retainedRows({
              snapshots: deps.snapshots,
              view: { name: spec.view, version: spec.version, compiled },
              features,
              boundary: spec.boundary,
              rows,
              progress,
              save,
              signal: abort.signal,
            });
            if (lines === null) return;
            await appendLines(deps, id, attempt, lines, progress);
            continue;
          }
          const events = await acceptedByEntity(
            deps,
            compiled,
            spec.events,
            rows,
            progress,
            save,
            abort.signal,
          );
          if (abort.signal.aborted) return;
          await writeRows(deps, id, attempt, compiled, features, spec.boundary, rows, events, progress);
        }
        break;
      } catch (err) {
        if (!(err instanceof PassTooLarge)) throw err;
        partitions *= 2;
      }
    }
    if (abort.signal.aborted) return;
    await deps.jobs.publish(id, attempt, progress);
  } catch (err) {
    if (abort.signal.aborted) return;
    if (!(err instanceof EddyError) && !lastTry) throw err;
    const code = err instanceof EddyError ? err.code : ErrorCode.INTERNAL;
    const message = err instanceof EddyError ? err.message : 'the job failed; see the worker log';
    await deps.jobs.fail(id, attempt, { code, message });
    if (!(err instanceof EddyError)) throw err;
  }
}

async function uploadMeta(uploads: HistoricalUploads, id: string): Promise<UploadMeta> {
  const meta = await uploads.meta(id);
  if (meta === null)
    throw new EddyError(ErrorCode.UPLOAD_NOT_FOUND, `upload '${id}' does not exist or expired`);
  return meta;
}

function selected(view: CompiledView, names: readonly string[] | undefined): CompiledFeature[] {
  if (names === undefined) return view.features;
  return names.map((name) => {
    const f = view.features.find((x) => x.name === name);
    if (f === undefined) throw new EddyError(ErrorCode.UNKNOWN_FEATURE, `unknown feature '${name}'`);
    return f;
  });
}

/** One spine entity of the pass: its acceptance judge and its accepted events. */
interface EntityHistory {
  judge: EntityJudge;
  accepted: AcceptedEvents;
}

/** Reads the whole events source once; keeps the accepted events (ids dropped) of the partition's spine entities. */
async function acceptedByEntity(
  deps: HistoricalRunDeps,
  view: CompiledView,
  events: Parameters<typeof eventRecords>[2],
  rows: ReadonlyMap<string, IndexedRow[]>,
  progress: HistoricalProgress,
  save: (force?: boolean) => Promise<void>,
  signal: AbortSignal,
): Promise<Map<string, AcceptedEvents>> {
  // One lookup per event for a spine entity; the spine's map only for an entity not seen yet or not in it.
  const histories = new Map<string, EntityHistory>();
  let held = 0;
  progress.eventsRead = 0;
  progress.eventsRejected = 0;
  progress.sources = {};
  for await (const batch of eventRecords(deps.uploads, deps.reader, events, signal)) {
    const { records, arrivals } = batch;
    for (let i = 0; i < records.length; i++) {
      const decoded = decodeRecordEvents(view, records[i], arrivals[i]!);
      if (!decoded.ok) {
        progress.eventsRejected++;
        continue;
      }
      for (const { entity, event } of decoded.events) {
        let history = histories.get(entity);
        if (history === undefined) {
          if (!rows.has(entity)) continue;
          history = { judge: new EntityJudge(view), accepted: new AcceptedEvents(view.fields) };
          histories.set(entity, history);
        }
        if (!history.judge.accepts(event)) continue;
        history.accepted.push(event);
        if (history.accepted.length > deps.maxEvents) {
          throw new EddyError(
            ErrorCode.JOB_TOO_LARGE,
            `entity '${entity.slice(0, 64)}' alone has more than ${deps.maxEvents} events (EDDY_HISTORICAL_MAX_EVENTS)`,
          );
        }
        if (++held > deps.maxEvents) throw new PassTooLarge();
      }
    }
    progress.eventsRead += records.length;
    progress.sources[batch.source] = (progress.sources[batch.source] ?? 0) + records.length;
    await save();
    if (signal.aborted) break;
  }
  await save(true);
  const accepted = new Map<string, AcceptedEvents>();
  for (const [entity, history] of histories) accepted.set(entity, history.accepted);
  return accepted;
}

/** Computes the partition's rows, entity by entity, and appends them in spine order. */
async function writeRows(
  deps: HistoricalRunDeps,
  id: string,
  attempt: string,
  view: CompiledView,
  features: readonly CompiledFeature[],
  boundary: 'inclusive' | 'exclusive',
  rows: ReadonlyMap<string, IndexedRow[]>,
  events: ReadonlyMap<string, AcceptedEvents>,
  progress: HistoricalProgress,
): Promise<void> {
  let count = 0;
  for (const entityRows of rows.values()) count += entityRows.length;
  // Each row's place among the partition's rows: its slot (spine order), so no sort of the lines.
  const lines = new Array<string>(count);
  for (const [entity, entityRows] of rows) {
    const ordered =
      entityRows.length > 1 ? [...entityRows].sort((a, b) => a.t - b.t || a.index - b.index) : entityRows;
    const computed = featuresAtTimes(
      view,
      events.get(entity)?.events() ?? [],
      ordered.map((r) => r.t),
      boundary,
      features,
    );
    for (let k = 0; k < ordered.length; k++) {
      const row = ordered[k]!;
      lines[row.slot] = trainingRowJson(row, computed[k]!.values);
    }
  }
  await appendLines(deps, id, attempt, lines, progress);
}

/** Appends result lines to the run's hidden result in chunks, counting them as written. */
async function appendLines(
  deps: HistoricalRunDeps,
  id: string,
  attempt: string,
  lines: readonly string[],
  progress: HistoricalProgress,
): Promise<void> {
  for (let i = 0; i < lines.length; i += RESULT_CHUNK) {
    const chunk = lines.slice(i, i + RESULT_CHUNK);
    await deps.jobs.append(id, attempt, chunk);
    progress.rowsWritten += chunk.length;
  }
}
