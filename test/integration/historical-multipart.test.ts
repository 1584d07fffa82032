/**
 * Multipart uploads (real HTTP through node's fetch, a real FormData body; real Redis and BullMQ workers): a CSV
 * spine and an NDJSON events file sent as multipart/form-data are stored like raw bodies (same rows, bytes and
 * header) and a job over them gives the rows computed by hand; the part's content type or else its file name picks
 * the format; the raw body's limits hold for a part; a body without a usable file is refused with a stable code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { resultRows, startJob, upload, waitForJob } from '../helpers/historical.js';

const VIEW = 'hist_multipart';
let eddy: TestEddy;
let base: string;

before(async () => {
  eddy = await startEddy({ LOG_LEVEL: process.env.TEST_LOG ?? 'silent' });
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: {
      name: VIEW,
      entityKey: 'sensor',
      eventTime: { field: 'ts' },
      source: { type: 'push' },
      granularity: '1m',
      features: [
        { name: 'n_5m', agg: 'count', window: '5m' },
        { name: 'avg_5m', agg: 'avg', field: 'temp', window: '5m' },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  base = await eddy.app.listen({ port: 0, host: '127.0.0.1' });
});
after(() => eddy.close());

const t0 = Date.UTC(2024, 4, 1, 0, 0, 0);
const min = (m: number) => t0 + m * 60_000;
const eventsNdjson = [
  { sensor: 's1', ts: min(1), temp: 10 },
  { sensor: 's1', ts: min(2), temp: 20 },
  { sensor: 's2', ts: min(2), temp: 5 },
  { sensor: 's1', ts: min(8), temp: 40 },
]
  .map((r) => JSON.stringify(r))
  .join('\n');
const spineCsv = ['entity,timestamp,label', `s1,${min(3)},1`, `s2,${min(4)},0`, `s1,${min(9)},1`].join(
  '\r\n',
);

/** POSTs a multipart body with one file (and a plain field before it) to the upload route. */
async function postFile(contents: string | Blob, type: string, filename: string) {
  const form = new FormData();
  form.append('note', 'fields other than the file are ignored');
  form.append('file', contents instanceof Blob ? contents : new Blob([contents], { type }), filename);
  const res = await fetch(`${base}/v1/historical-uploads`, { method: 'POST', body: form });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    // biome-ignore lint/suspicious/noExplicitAny: a JSON answer read field by field
    body: (await res.json()) as any,
  };
}

describe('multipart uploads', () => {
  it('store a CSV spine and NDJSON events as raw bodies would, and a job over them gives the hand-made rows', async () => {
    const spine = await postFile(spineCsv, 'text/csv', 'spine.csv');
    assert.equal(spine.status, 201, JSON.stringify(spine.body));
    const events = await postFile(eventsNdjson, 'application/x-ndjson', 'events.ndjson');
    assert.equal(events.status, 201, JSON.stringify(events.body));
    const raw = await eddy.app.inject({
      method: 'POST',
      url: '/v1/historical-uploads',
      headers: { 'content-type': 'text/csv' },
      payload: spineCsv,
    });
    const { id: _s, expiresAt: _e, ...spineMeta } = spine.body;
    const { id: _r, expiresAt: _f, ...rawMeta } = raw.json();
    assert.deepEqual(spineMeta, rawMeta);
    assert.deepEqual(spineMeta, {
      format: 'csv',
      rows: 3,
      bytes: spineMeta.bytes,
      header: ['entity', 'timestamp', 'label'],
    });
    assert.equal(events.body.format, 'ndjson');
    assert.equal(events.body.rows, 4);

    const id = await startJob(eddy, VIEW, {
      spine: { upload: spine.body.id },
      events: { type: 'upload', upload: events.body.id },
    });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const rows = await resultRows(eddy, VIEW, id);
    assert.deepEqual(
      rows.map((r) => [r.entity, r.label, r.n_5m, r.avg_5m]),
      [
        ['s1', '1', 2, 15], // minutes 1 and 2
        ['s2', '0', 1, 5],
        ['s1', '1', 1, 40], // minutes 5..9: only minute 8
      ],
    );
  });

  it('take the format from the file name when the part has no such type, and stream a large part', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) =>
      JSON.stringify({ sensor: `s${i % 7}`, ts: min(i % 60), temp: i }),
    );
    const text = lines.join('\n');
    const res = await postFile(new Blob([text], { type: 'application/octet-stream' }), '', 'events.jsonl');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.format, 'ndjson');
    assert.equal(res.body.rows, 50_000);
    const raw = await eddy.app.inject({
      method: 'POST',
      url: '/v1/historical-uploads',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: text,
    });
    assert.equal(res.body.bytes, raw.json().bytes);
    const csv = await postFile(
      new Blob(['entity,timestamp\ns1,1'], { type: 'application/octet-stream' }),
      '',
      'x.CSV',
    );
    assert.equal(csv.status, 201, JSON.stringify(csv.body));
    assert.equal(csv.body.format, 'csv');
  });

  it('refuse what a raw body would not pass, with stable codes', async () => {
    const unknown = await postFile('a,b\n1,2', 'text/plain', 'notes.txt');
    assert.equal(unknown.status, 415);
    assert.match(unknown.type, /application\/problem\+json/);
    assert.equal(unknown.body.code, 'UNSUPPORTED_MEDIA_TYPE');

    const longLine = await postFile(
      `{"sensor":"s1","pad":"${'x'.repeat(1024 * 1024 + 10)}"}`,
      'application/x-ndjson',
      'big.ndjson',
    );
    assert.equal(longLine.status, 413);
    assert.equal(longLine.body.code, 'PAYLOAD_TOO_LARGE');

    const badHeader = await postFile('a,a\n1,2', 'text/csv', 'dup.csv');
    assert.equal(badHeader.status, 400);
    assert.equal(badHeader.body.code, 'VALIDATION_FAILED');

    const form = new FormData();
    form.append('only', 'a field');
    const noFile = await fetch(`${base}/v1/historical-uploads`, { method: 'POST', body: form });
    assert.equal(noFile.status, 400);
    assert.equal(((await noFile.json()) as { code: string }).code, 'VALIDATION_FAILED');

    // The route still works after refused bodies.
    assert.equal(typeof (await upload(eddy, 'application/x-ndjson', eventsNdjson)), 'string');
  });
});
