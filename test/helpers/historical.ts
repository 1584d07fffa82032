/** Helpers for historical-features tests: a generated multi-entity stream, uploads, running a job to its end. */
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../src/core/event.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import type { TestEddy } from './eddy.js';
import type { WorkerChild, WorkerProcessSuite } from './kinesis-suites.js';

export interface StreamRecord {
  id: string;
  ts: number;
  rid: string;
  x?: number;
  y?: number;
}

export interface GeneratedStream {
  /** Records in arrival order, in segments: every record of segment i has ts in [start_i, start_i + span). */
  records: StreamRecord[];
  /** Index after the last record of each segment, and the segment's cut time T (>= every ts before it, < every later new record's ts). */
  cuts: { end: number; T: number }[];
  entities: string[];
}

/**
 * Segments of `perSegment` records over 5 minutes each, shuffled (out of order; with 2 minutes of lateness some
 * are late), ids re-sent (duplicates) within the segment and from earlier ones (duplicates or late), fields
 * sometimes missing. Only re-sends arrive after a cut with a time before it, and they are never accepted.
 */
export function generateStream(seed: number, segments: number, perSegment: number): GeneratedStream {
  const rnd = seededRandom(seed);
  const entities = ['s1', 's2', 'b:{x}*', 'ü-sensor'];
  const records: StreamRecord[] = [];
  const cuts: { end: number; T: number }[] = [];
  let start = Date.UTC(2024, 4, 1, 12, 0, 0);
  let n = 0;
  for (let s = 0; s < segments; s++) {
    const fresh: StreamRecord[] = [];
    for (let i = 0; i < perSegment; i++) {
      const r: StreamRecord = {
        id: entities[Math.floor(rnd() * entities.length)]!,
        ts: start + Math.floor(rnd() * 300_000),
        rid: `r${n++}`,
      };
      if (rnd() < 0.9) r.x = Math.round((rnd() * 200 - 100) * 1000) / 1000;
      if (rnd() < 0.5) r.y = Math.floor(rnd() * 50);
      fresh.push(r);
    }
    // Mostly ascending with local disorder: sort by time plus noise.
    const keyed = fresh.map((r) => ({ r, k: r.ts + (rnd() < 0.3 ? rnd() * 200_000 : 0) }));
    keyed.sort((a, b) => a.k - b.k);
    const segment = keyed.map((x) => x.r);
    const withResends: StreamRecord[] = [];
    for (const r of segment) {
      withResends.push(r);
      if (rnd() < 0.1 && records.length + withResends.length > 1) {
        const pool = rnd() < 0.5 ? withResends : records.length > 0 ? records : withResends;
        withResends.push({ ...pool[Math.floor(rnd() * pool.length)]! });
      }
    }
    records.push(...withResends);
    const maxT = Math.max(...segment.map((r) => r.ts));
    const next = start + 300_000 + 10_000 + Math.floor(rnd() * 120_000);
    // T at the last event, or inside the gap before the next segment (windows decay there).
    const T = rnd() < 0.5 ? maxT : maxT + Math.floor(rnd() * (next - maxT));
    cuts.push({ end: records.length, T });
    start = next;
  }
  return { records, cuts, entities };
}

/** The records of one entity as engine events (the view reads x and y; rid is the event id). */
export function engineEvents(records: readonly StreamRecord[], entity: string): EngineEvent[] {
  return records
    .filter((r) => r.id === entity)
    .map((r) => {
      const values: Record<string, number> = {};
      if (r.x !== undefined) values.x = r.x;
      if (r.y !== undefined) values.y = r.y;
      return { t: r.ts, id: r.rid, values };
    });
}

export async function upload(eddy: TestEddy, contentType: string, body: string): Promise<string> {
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/historical-uploads',
    headers: { 'content-type': contentType },
    payload: body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

/** Polls a job until it leaves queued/running; returns it. */
export async function waitForJob(eddy: TestEddy, view: string, id: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await eddy.app.inject({
      method: 'GET',
      url: `/v1/feature-views/${view}/historical-features/${id}`,
    });
    assert.equal(res.statusCode, 200, res.body);
    const job = res.json();
    if (job.status !== 'queued' && job.status !== 'running') return job;
    if (Date.now() > until) assert.fail(`job ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startJob(eddy: TestEddy, view: string, body: unknown): Promise<string> {
  const res = await eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${view}/historical-features`,
    payload: body as object,
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json().id as string;
}

export async function resultRows(
  eddy: TestEddy,
  view: string,
  id: string,
): Promise<Record<string, unknown>[]> {
  const res = await eddy.app.inject({
    method: 'GET',
    url: `/v1/feature-views/${view}/historical-features/${id}/result`,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /application\/x-ndjson/);
  return res.body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

/**
 * Kills the worker process `first` once the job has written rows of some partitions but not all, checks that no
 * result is served meanwhile, starts another worker process and returns the job once it has ended.
 */
export async function killMidJobAndRerun(
  eddy: TestEddy,
  suite: Pick<WorkerProcessSuite, 'spawn'>,
  env: Record<string, string>,
  first: WorkerChild,
  view: string,
  id: string,
) {
  const url = `/v1/feature-views/${view}/historical-features/${id}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = (await eddy.app.inject({ url })).json();
    if (job.status === 'running' && job.progress.partition >= 3) break;
    assert.notEqual(job.status, 'succeeded', 'the job ended before it could be killed');
    if (Date.now() > deadline) assert.fail(`job still ${job.status}: ${first.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  first.child.kill('SIGKILL');
  await first.exited;
  const during = await eddy.app.inject({ url: `${url}/result` });
  assert.equal(during.json().code, 'RESULT_NOT_READY');
  suite.spawn(env);
  const job = await waitForJob(eddy, view, id, 120_000);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  return job;
}
