/**
 * A training-set job over the online state (`events: {"type": "retained"}`) whose worker process is killed
 * (SIGKILL) in the middle: BullMQ's stalled-job recovery runs it again in a second worker process, from the start,
 * and the published result holds every spine row exactly once, each equal to the documented rows from the online
 * state (test/helpers/retained-oracle.ts); while the job runs, no result is served.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { killMidJobAndRerun, resultRows, startJob, upload } from '../helpers/historical.js';
import { FAST_KINESIS_ENV } from '../helpers/kinesis-emulator.js';
import { workerProcessSuite } from '../helpers/kinesis-suites.js';
import { Oracle } from '../helpers/oracle.js';
import { expectedRetainedRow, retainedMismatch } from '../helpers/retained-oracle.js';

const suite = workerProcessSuite();
const VIEW = 'hist_retained_crash';
/** (largest window 1m + lateness 1m) / 1 s. */
const RETAINED_TILES = 120;

test('a retained job whose worker is killed mid-run is run again and publishes one whole result', async () => {
  const { eddy } = suite;
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: {
      name: VIEW,
      entityKey: 'e',
      eventTime: { field: 't' },
      source: { type: 'push' },
      granularity: '1s',
      allowedLateness: '1m',
      features: [
        { name: 'n_1m', agg: 'count', window: '1m' },
        { name: 'avg_1m', agg: 'avg', field: 'v', window: '1m' },
        { name: 'n_5', agg: 'count', events: 5 },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const view = compileView(res.json() as FeatureView);
  // A small bound: one pass per 1,000 spine rows, so the job runs long enough to be killed in the middle.
  const env = {
    ...FAST_KINESIS_ENV,
    REDIS_URL: eddy.redisUrl,
    EDDY_KEY_PREFIX: eddy.prefix,
    KINESIS_ENDPOINT: suite.kinesis.url,
    EDDY_HISTORICAL_MAX_ROWS: '1000',
  };
  const first = suite.spawn(env);

  const rnd = seededRandom(12);
  const T0 = 1_700_000_000_000;
  const records: { e: string; t: number; v: number }[] = [];
  for (let i = 0; i < 30_000; i++)
    records.push({ e: `e${i % 300}`, t: T0 + i * 100, v: Math.floor(rnd() * 1000) });
  for (let i = 0; i < records.length; i += 10_000) {
    const push = await eddy.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${VIEW}/records?wait=true`,
      payload: { records: records.slice(i, i + 10_000) },
    });
    assert.equal(push.statusCode, 200, push.body);
  }
  const spine = Array.from({ length: 30_000 }, (_, i) => ({
    entity: rnd() < 0.02 ? `unknown-${i % 10}` : `e${Math.floor(rnd() * 300)}`,
    timestamp: T0 + Math.floor(rnd() * 3_060_000),
    i,
  }));
  const spineUpload = await upload(
    eddy,
    'application/x-ndjson',
    spine.map((r) => JSON.stringify(r)).join('\n'),
  );
  const id = await startJob(eddy, VIEW, { spine: { upload: spineUpload }, events: { type: 'retained' } });
  const job = await killMidJobAndRerun(eddy, suite, env, first, VIEW, id);
  assert.ok(job.progress.partitions >= 30, `partitions: ${job.progress.partitions}`);
  assert.equal(job.progress.rowsWritten, spine.length);
  const rows = await resultRows(eddy, VIEW, id);
  assert.equal(rows.length, spine.length);
  assert.equal(new Set(rows.map((r) => r.i)).size, spine.length);

  const wholes = new Map<string, Oracle>();
  for (const r of records) {
    let o = wholes.get(r.e);
    if (o === undefined) {
      o = new Oracle(view);
      wholes.set(r.e, o);
    }
    o.apply([{ t: r.t, values: { v: r.v } }]);
  }
  const seen = { PRESENT: 0, NOT_FOUND: 0, OUT_OF_RETENTION: 0 };
  for (const row of rows) {
    const s = spine[row.i as number]!;
    const want = expectedRetainedRow(
      view,
      RETAINED_TILES,
      wholes.get(s.entity) ?? new Oracle(view),
      s.timestamp,
      'inclusive',
    );
    const wrong = retainedMismatch(view, row, want);
    if (wrong !== null) assert.fail(`${s.entity} at ${s.timestamp}: ${wrong}`);
    seen[want.status]++;
  }
  for (const [status, n] of Object.entries(seen)) assert.ok(n > 100, `${status} rows: ${n}`);
});
