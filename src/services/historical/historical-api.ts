/**
 * The API side of historical features: store uploads, start jobs (an inline spine is stored as an upload, so a
 * job always reads its spine from storage), read a job's state and result, cancel it.
 */
import { randomUUID } from 'node:crypto';
import { EddyError, ErrorCode } from '../../core/errors.js';
import type { FeatureView } from '../../core/feature-view.js';
import { parseCsvLine } from '../../core/historical/csv.js';
import {
  emptyProgress,
  type HistoricalEvents,
  type HistoricalJob,
  type HistoricalJobSpec,
} from '../../core/historical/job.js';
import type { Boundary } from '../../core/point-in-time.js';
import { parseRecordEventTime } from '../../core/record-event-time.js';
import type {
  HistoricalJobs,
  HistoricalQueue,
  HistoricalUploads,
  UploadFormat,
  UploadMeta,
} from '../../ports/historical.js';
import type { ViewCatalog } from '../view-catalog.js';
import { type UploadLimits, uploadLines } from './upload-lines.js';

export interface HistoricalApiDeps {
  catalog: ViewCatalog;
  uploads: HistoricalUploads;
  jobs: HistoricalJobs;
  queue: HistoricalQueue;
  limits: UploadLimits;
}

/** Most rows of an inline spine. */
export const MAX_INLINE_SPINE_ROWS = 10_000;

/** A time as the API takes it: epoch ms or ISO-8601 with a zone. */
export type ApiTime = number | string;

export type EventsRequest =
  | { type: 'upload'; upload: string }
  | { type: 'retained' }
  | { type: 'kinesis'; streamName?: string; from?: 'TRIM_HORIZON' | { atTimestamp: ApiTime }; to?: ApiTime };

export interface StartRequest {
  spine: Record<string, unknown>[] | { upload: string };
  events: EventsRequest;
  version?: number;
  features?: string[];
  boundary?: Boundary;
}

export async function createUpload(
  deps: HistoricalApiDeps,
  format: UploadFormat,
  body: AsyncIterable<Buffer | string>,
): Promise<UploadMeta> {
  const id = randomUUID();
  const lines = uploadLines(body, deps.limits);
  if (format === 'ndjson') return deps.uploads.create(id, format, lines);
  // CSV: the first line is the header.
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  const firstLines = first.done ? [] : first.value;
  const header = firstLines.length === 0 ? undefined : parseCsvLine(firstLines[0]!);
  if (header === undefined || header.some((h) => h === '') || new Set(header).size !== header.length) {
    throw new EddyError(
      ErrorCode.VALIDATION_FAILED,
      'a CSV upload starts with a header of distinct, non-empty names',
    );
  }
  async function* rest(): AsyncIterable<string[]> {
    yield firstLines.slice(1);
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return deps.uploads.create(id, format, rest(), header);
}

export async function startHistoricalJob(
  deps: HistoricalApiDeps,
  viewName: string,
  req: StartRequest,
): Promise<HistoricalJob> {
  const { view, compiled } = await deps.catalog.get(viewName, req.version);
  for (const [i, name] of (req.features ?? []).entries()) {
    if (!compiled.features.some((f) => f.name === name)) {
      throw new EddyError(ErrorCode.UNKNOWN_FEATURE, `unknown feature '${name}'`, `/features/${i}`);
    }
  }
  const events = await resolveEvents(deps, view, compiled.eventTimeField !== undefined, req.events);
  let spineUpload: string;
  if (Array.isArray(req.spine)) {
    if (req.spine.length > MAX_INLINE_SPINE_ROWS) {
      throw new EddyError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `an inline spine holds at most ${MAX_INLINE_SPINE_ROWS} rows; upload larger spines`,
        '/spine',
      );
    }
    spineUpload = randomUUID();
    const rows = req.spine.map((r) => JSON.stringify(r));
    await deps.uploads.create(
      spineUpload,
      'ndjson',
      (async function* () {
        yield rows;
      })(),
    );
  } else {
    spineUpload = req.spine.upload;
    await requireUpload(deps, spineUpload, '/spine/upload');
  }
  const spec: HistoricalJobSpec = {
    view: view.name,
    version: view.version,
    ...(req.features ? { features: req.features } : {}),
    boundary: req.boundary ?? 'inclusive',
    spine: { upload: spineUpload },
    events,
  };
  const now = Date.now();
  const job: HistoricalJob = {
    id: randomUUID(),
    spec,
    status: 'queued',
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    progress: emptyProgress(),
    error: null,
    expiresAt: now,
  };
  await deps.jobs.create(job);
  await deps.queue.enqueue(job.id);
  return (await deps.jobs.get(job.id)) ?? job;
}

async function resolveEvents(
  deps: HistoricalApiDeps,
  view: FeatureView,
  hasEventTime: boolean,
  req: EventsRequest,
): Promise<HistoricalEvents> {
  if (req.type === 'retained') return { type: 'retained' };
  if (req.type === 'upload') {
    if (!hasEventTime) {
      throw new EddyError(
        ErrorCode.VALIDATION_FAILED,
        'the view takes event times from arrival; an upload of events has no arrival times',
        '/events',
      );
    }
    await requireUpload(deps, req.upload, '/events/upload');
    return { type: 'upload', upload: req.upload };
  }
  const streamName = req.streamName ?? (view.source.type === 'kinesis' ? view.source.streamName : undefined);
  if (streamName === undefined) {
    throw new EddyError(
      ErrorCode.VALIDATION_FAILED,
      'name the stream: the view is not read from Kinesis',
      '/events/streamName',
    );
  }
  const from =
    req.from === undefined || req.from === 'TRIM_HORIZON'
      ? ('TRIM_HORIZON' as const)
      : { atTimestamp: apiTime(req.from.atTimestamp, '/events/from/atTimestamp') };
  return {
    type: 'kinesis',
    streamName,
    from,
    ...(req.to === undefined ? {} : { to: apiTime(req.to, '/events/to') }),
  };
}

function apiTime(value: ApiTime, field: string): number {
  const ms = parseRecordEventTime(value);
  if (ms === undefined) {
    throw new EddyError(ErrorCode.VALIDATION_FAILED, 'a time is epoch ms or ISO-8601 with a zone', field);
  }
  return ms;
}

async function requireUpload(deps: HistoricalApiDeps, id: string, field: string): Promise<void> {
  if ((await deps.uploads.meta(id)) === null) {
    throw new EddyError(ErrorCode.UPLOAD_NOT_FOUND, `upload '${id}' does not exist or expired`, field);
  }
}

export async function getHistoricalJob(
  deps: HistoricalApiDeps,
  viewName: string,
  id: string,
): Promise<HistoricalJob> {
  const job = await deps.jobs.get(id);
  if (job === null || job.spec.view !== viewName) {
    throw new EddyError(ErrorCode.JOB_NOT_FOUND, `job '${id}' of '${viewName}' does not exist or expired`);
  }
  return job;
}

export async function cancelHistoricalJob(
  deps: HistoricalApiDeps,
  viewName: string,
  id: string,
): Promise<HistoricalJob> {
  await getHistoricalJob(deps, viewName, id);
  await deps.queue.remove(id);
  const job = await deps.jobs.cancel(id);
  if (job === null) throw new EddyError(ErrorCode.JOB_NOT_FOUND, `job '${id}' does not exist or expired`);
  return job;
}

/** The published result's NDJSON lines, after checking the job succeeded. */
export async function historicalResult(
  deps: HistoricalApiDeps,
  viewName: string,
  id: string,
): Promise<{ job: HistoricalJob; lines: AsyncIterable<string[]> }> {
  const job = await getHistoricalJob(deps, viewName, id);
  if (job.status !== 'succeeded') {
    throw new EddyError(
      ErrorCode.RESULT_NOT_READY,
      `job '${id}' is ${job.status}; its result is not available`,
      undefined,
      { jobStatus: job.status },
    );
  }
  return { job, lines: deps.jobs.result(id) };
}
