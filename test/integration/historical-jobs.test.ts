/**
 * Historical-features jobs (real Redis, real BullMQ workers): CSV uploads in and CSV / Parquet out (the Parquet
 * file read back by a separate reader, hyparquet), input validation with stable codes, cancel, and the
 * publish protocol (a superseded run never leaks rows into a result).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { historicalKeys } from '../../src/adapters/redis/historical-keys.js';
import { redisHistoricalJobs } from '../../src/adapters/redis/redis-historical-jobs.js';
import { emptyProgress } from '../../src/core/historical/job.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { resultRows, startJob, upload, waitForJob } from '../helpers/historical.js';

const VIEW = 'hist_jobs';
const spec = {
  name: VIEW,
  entityKey: 'sensor',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '1m',
  features: [
    { name: 'n_5m', agg: 'count', window: '5m' },
    { name: 'avg_5m', agg: 'avg', field: 'temp', window: '5m' },
    { name: 'last_temp', agg: 'last', field: 'temp' },
  ],
};

let eddy: TestEddy;
let apiOnly: TestEddy;
before(async () => {
  eddy = await startEddy({ LOG_LEVEL: process.env.TEST_LOG ?? 'silent' });
  // A second API on the same Redis and prefix without workers: its jobs stay queued until a worker runs.
  apiOnly = await startEddy(
    { LOG_LEVEL: 'silent', EDDY_KEY_PREFIX: `${eddy.prefix}api` },
    { api: true, worker: false },
  );
  for (const e of [eddy, apiOnly]) {
    const res = await e.app.inject({ method: 'POST', url: '/v1/feature-views', payload: spec });
    assert.equal(res.statusCode, 201, res.body);
  }
});
after(async () => {
  await apiOnly.close();
  await eddy.close();
});

// Minute 0..9 of 2024-05-01: s1 reads 10, 20, 30 at minutes 1, 2, 3; s2 reads 5 at minute 2 and 7 at minute 8.
const base = Date.UTC(2024, 4, 1, 0, 0, 0);
const min = (m: number) => base + m * 60_000;
const eventsCsv = [
  'sensor,ts,temp',
  `s1,${min(1)},10`,
  `s1,${min(2)},20`,
  `s2,${min(2)},5`,
  `s1,${min(3)},30`,
  `s2,${min(8)},7`,
  'bad-row-without-time,,1',
].join('\n');
const spineCsv = [
  'entity,timestamp,label,note',
  `s1,${new Date(min(2)).toISOString()},1,"a, quoted ""note"""`,
  `s1,${min(3) - 1},0,`,
  `s2,${min(9)},1,later`,
  `s3,${min(5)},0,unknown entity`,
].join('\r\n');

/** The expected rows, by hand from the definitions (inclusive boundary). */
const expected = [
  { entity: 's1', label: '1', note: 'a, quoted "note"', n_5m: 2, avg_5m: 15, last_temp: 20 },
  { entity: 's1', label: '0', note: '', n_5m: 2, avg_5m: 15, last_temp: 20 },
  // s2 at minute 9: the 5m window holds minutes 5..9 (tiles 5..9): only the reading at minute 8.
  { entity: 's2', label: '1', note: 'later', n_5m: 1, avg_5m: 7, last_temp: 7 },
  { entity: 's3', label: '0', note: 'unknown entity', n_5m: 0, avg_5m: null, last_temp: null },
];

describe('historical-features jobs', () => {
  let jobId: string;
  it('take CSV uploads and answer NDJSON with pass-through columns as they came', async () => {
    const events = await upload(eddy, 'text/csv', eventsCsv);
    const spine = await upload(eddy, 'text/csv; charset=utf-8', spineCsv);
    jobId = await startJob(eddy, VIEW, {
      spine: { upload: spine },
      events: { type: 'upload', upload: events },
    });
    const job = await waitForJob(eddy, VIEW, jobId);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.progress.eventsRead, 6);
    assert.equal(job.progress.eventsRejected, 1);
    assert.deepEqual(job.progress.sources, { upload: 6 });
    const rows = await resultRows(eddy, VIEW, jobId);
    assert.deepEqual(
      rows.map(({ timestamp: _, ...rest }) => rest),
      expected,
    );
    assert.equal(rows[1]!.timestamp, new Date(min(3) - 1).toISOString());
  });

  it('answer CSV by Accept', async () => {
    const res = await eddy.app.inject({
      method: 'GET',
      url: `/v1/feature-views/${VIEW}/historical-features/${jobId}/result`,
      headers: { accept: 'text/csv' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const lines = res.body.split('\r\n');
    assert.equal(lines[0], 'entity,timestamp,label,note,n_5m,avg_5m,last_temp');
    assert.equal(lines[1], `s1,${new Date(min(2)).toISOString()},1,"a, quoted ""note""",2,15,20`);
    assert.equal(lines[4], `s3,${new Date(min(5)).toISOString()},0,unknown entity,0,,`);
  });

  it('answer Parquet with typed columns that another reader reads back', async () => {
    const res = await eddy.app.inject({
      method: 'GET',
      url: `/v1/feature-views/${VIEW}/historical-features/${jobId}/result`,
      headers: { accept: 'application/vnd.apache.parquet' },
    });
    assert.equal(res.statusCode, 200);
    const bytes = res.rawPayload;
    assert.equal(bytes.subarray(0, 4).toString(), 'PAR1');
    const file = new Uint8Array(bytes).buffer;
    const metadata = parquetMetadata(file);
    const types = Object.fromEntries(
      parquetSchema(metadata).children.map((c) => [
        c.element.name,
        [c.element.type, c.element.converted_type],
      ]),
    );
    assert.deepEqual(types, {
      entity: ['BYTE_ARRAY', 'UTF8'],
      timestamp: ['INT64', 'TIMESTAMP_MILLIS'],
      label: ['BYTE_ARRAY', 'UTF8'],
      note: ['BYTE_ARRAY', 'UTF8'],
      n_5m: ['INT64', undefined],
      avg_5m: ['DOUBLE', undefined],
      last_temp: ['DOUBLE', undefined],
    });
    const rows = await parquetReadObjects({ file });
    assert.equal(rows.length, 4);
    rows.forEach((row, i) => {
      const want = expected[i]!;
      assert.equal(row.entity, want.entity);
      assert.equal(row.label, want.label);
      assert.equal(row.note, want.note);
      assert.equal(row.n_5m, BigInt(want.n_5m));
      assert.equal(row.avg_5m, want.avg_5m);
      assert.equal(row.last_temp, want.last_temp);
    });
    assert.equal((rows[0]!.timestamp as Date).getTime(), min(2));
  });

  it('type JSON pass-through columns from their values', async () => {
    const events = await upload(eddy, 'application/x-ndjson', `{"sensor":"s1","ts":${min(1)},"temp":3}`);
    const id = await startJob(eddy, VIEW, {
      spine: [
        { entity: 's1', timestamp: min(1), label: 1, ok: true, tag: 'x', any: 1 },
        { entity: 's1', timestamp: min(2), label: 0.5, ok: null, tag: null, any: 'y' },
      ],
      events: { type: 'upload', upload: events },
      features: ['last_temp', 'n_5m'],
    });
    assert.equal((await waitForJob(eddy, VIEW, id)).status, 'succeeded');
    const res = await eddy.app.inject({
      method: 'GET',
      url: `/v1/feature-views/${VIEW}/historical-features/${id}/result`,
      headers: { accept: 'application/vnd.apache.parquet' },
    });
    const bytes = res.rawPayload;
    const file = new Uint8Array(bytes).buffer;
    const schema = parquetSchema(parquetMetadata(file)).children.map((c) => [c.element.name, c.element.type]);
    assert.deepEqual(schema, [
      ['entity', 'BYTE_ARRAY'],
      ['timestamp', 'INT64'],
      ['label', 'DOUBLE'],
      ['ok', 'BOOLEAN'],
      ['tag', 'BYTE_ARRAY'],
      ['any', 'BYTE_ARRAY'],
      ['last_temp', 'DOUBLE'],
      ['n_5m', 'INT64'],
    ]);
    const rows = await parquetReadObjects({ file });
    assert.deepEqual(
      rows.map((r) => [r.label, r.ok, r.tag, r.any, r.last_temp, r.n_5m]),
      [
        [1, true, 'x', '1', 3, 1n],
        [0.5, null, null, '"y"', 3, 1n],
      ],
    );
  });

  it('skip NDJSON event lines that are not one JSON object, counting them', async () => {
    const lines = [
      `{"sensor":"s1","ts":${min(1)},"temp":1}`,
      '1,2',
      'not json',
      `{"sensor":"s1","ts":${min(2)},"temp":3}`,
    ];
    const events = await upload(eddy, 'application/x-ndjson', lines.join('\n'));
    const id = await startJob(eddy, VIEW, {
      spine: [{ entity: 's1', timestamp: min(2) }],
      events: { type: 'upload', upload: events },
    });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'succeeded');
    assert.equal(job.progress.eventsRead, 4);
    assert.equal(job.progress.eventsRejected, 2);
    const [row] = await resultRows(eddy, VIEW, id);
    assert.equal(row!.n_5m, 2);
    assert.equal(row!.avg_5m, 2);
  });

  it('refuse bad input with stable codes', async () => {
    const events = await upload(eddy, 'application/x-ndjson', `{"sensor":"s1","ts":${min(1)},"temp":3}`);
    const post = (url: string, payload: unknown) =>
      eddy.app.inject({ method: 'POST', url, payload: payload as object });
    const cases: [string, unknown, number, string][] = [
      [
        `/v1/feature-views/nope/historical-features`,
        { spine: [{ entity: 'a', timestamp: 1 }], events: { type: 'upload', upload: events } },
        404,
        'FEATURE_VIEW_NOT_FOUND',
      ],
      [
        `/v1/feature-views/${VIEW}/historical-features`,
        {
          spine: [{ entity: 'a', timestamp: 1 }],
          events: { type: 'upload', upload: '00000000-0000-4000-8000-000000000000' },
        },
        404,
        'UPLOAD_NOT_FOUND',
      ],
      [
        `/v1/feature-views/${VIEW}/historical-features`,
        { spine: [{ entity: 'a' }], events: { type: 'upload', upload: events } },
        400,
        'VALIDATION_FAILED',
      ],
      [
        `/v1/feature-views/${VIEW}/historical-features`,
        {
          spine: [{ entity: 'a', timestamp: 1 }],
          events: { type: 'upload', upload: events },
          features: ['nope'],
        },
        400,
        'UNKNOWN_FEATURE',
      ],
      [
        `/v1/feature-views/${VIEW}/historical-features`,
        {
          spine: [{ entity: 'a', timestamp: 1 }],
          events: { type: 'upload', upload: events },
          boundary: 'sideways',
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        `/v1/feature-views/${VIEW}/historical-features`,
        {
          spine: Array.from({ length: 10_001 }, () => ({ entity: 'a', timestamp: 1 })),
          events: { type: 'upload', upload: events },
        },
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [url, payload, status, code] of cases) {
      const res = await post(url, payload);
      assert.equal(res.statusCode, status, `${code}: ${res.body}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.equal(res.json().code, code);
    }
    const media = await eddy.app.inject({
      method: 'POST',
      url: '/v1/historical-uploads',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    assert.equal(media.statusCode, 415);
    const header = await eddy.app.inject({
      method: 'POST',
      url: '/v1/historical-uploads',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,a\n1,2',
    });
    assert.equal(header.json().code, 'VALIDATION_FAILED');
    const unknownJob = await eddy.app.inject({
      method: 'GET',
      url: `/v1/feature-views/${VIEW}/historical-features/00000000-0000-4000-8000-000000000000`,
    });
    assert.equal(unknownJob.json().code, 'JOB_NOT_FOUND');
  });

  it('fail a job on a bad spine row, naming its line, with no result', async () => {
    const events = await upload(eddy, 'application/x-ndjson', `{"sensor":"s1","ts":${min(1)},"temp":3}`);
    const spine = await upload(eddy, 'text/csv', `entity,timestamp\ns1,${min(1)}\ns1,yesterday`);
    const id = await startJob(eddy, VIEW, {
      spine: { upload: spine },
      events: { type: 'upload', upload: events },
    });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'failed');
    assert.equal(job.error.code, 'INVALID_SPINE');
    assert.match(job.error.message, /line 3/);
    const res = await eddy.app.inject({
      method: 'GET',
      url: `/v1/feature-views/${VIEW}/historical-features/${id}/result`,
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'RESULT_NOT_READY');
  });

  it('cancel a queued job: it never runs and has no result', async () => {
    const events = await upload(apiOnly, 'application/x-ndjson', `{"sensor":"s1","ts":${min(1)},"temp":3}`);
    const id = await startJob(apiOnly, VIEW, {
      spine: [{ entity: 's1', timestamp: min(1) }],
      events: { type: 'upload', upload: events },
    });
    const url = `/v1/feature-views/${VIEW}/historical-features/${id}`;
    assert.equal((await apiOnly.app.inject({ method: 'GET', url })).json().status, 'queued');
    const del = await apiOnly.app.inject({ method: 'DELETE', url });
    assert.equal(del.statusCode, 200);
    assert.equal(del.json().status, 'cancelled');
    const res = await apiOnly.app.inject({ method: 'GET', url: `${url}/result` });
    assert.equal(res.json().code, 'RESULT_NOT_READY');
    assert.equal(res.json().jobStatus, 'cancelled');
  });

  it('publish only the current run: a superseded run can neither add rows nor publish', async () => {
    const jobs = redisHistoricalJobs(eddy.redis, historicalKeys(`${eddy.prefix}x`), {
      resultTtlMs: 60_000,
      jobTtlMs: 60_000,
    });
    const now = Date.now();
    await jobs.create({
      id: 'j1',
      spec: {
        view: VIEW,
        version: 1,
        boundary: 'inclusive',
        spine: { upload: 'u' },
        events: { type: 'upload', upload: 'e' },
      },
      status: 'queued',
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      progress: emptyProgress(),
      error: null,
      expiresAt: now,
    });
    assert.equal(await jobs.start('j1', 'run-a'), true);
    await jobs.append('j1', 'run-a', ['{"a":1}', '{"a":2}']);
    // run-a's worker dies; BullMQ runs the job again as run-b, which starts over.
    assert.equal(await jobs.start('j1', 'run-b'), true);
    await jobs.append('j1', 'run-a', ['{"a":3}']);
    assert.equal(await jobs.publish('j1', 'run-a', emptyProgress()), false);
    assert.equal((await jobs.get('j1'))!.status, 'running');
    await jobs.append('j1', 'run-b', ['{"b":1}']);
    assert.equal(await jobs.publish('j1', 'run-b', emptyProgress()), true);
    const lines: string[] = [];
    for await (const batch of jobs.result('j1')) lines.push(...batch);
    assert.deepEqual(lines, ['{"b":1}']);
    const done = (await jobs.get('j1'))!;
    assert.equal(done.status, 'succeeded');
    assert.ok(done.expiresAt > now && done.expiresAt <= Date.now() + 60_000);
    const ttl = await eddy.redis.pttl(historicalKeys(`${eddy.prefix}x`).jobResult('j1'));
    assert.ok(ttl > 0 && ttl <= 60_000, `result expires (${ttl} ms)`);
    // A finished job cannot be started or cancelled again.
    assert.equal(await jobs.start('j1', 'run-c'), false);
    assert.equal((await jobs.cancel('j1'))!.status, 'succeeded');
  });
});
