/**
 * A training-set job whose worker process is killed (SIGKILL) while it runs: BullMQ's stalled-job recovery runs
 * it again in a second worker process, from the start, and the published result is whole and equal to the
 * point-in-time oracle; while the job runs, no result is served.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { killMidJobAndRerun, resultRows, startJob, upload } from '../helpers/historical.js';
import { FAST_KINESIS_ENV } from '../helpers/kinesis-emulator.js';
import { workerProcessSuite } from '../helpers/kinesis-suites.js';
import { agreesFeature } from '../helpers/oracle.js';
import { pointInTimeOracle } from '../helpers/point-in-time-oracle.js';

const suite = workerProcessSuite();
const VIEW = 'hist_crash';

test('a job whose worker is killed mid-run is run again and publishes one whole result', async () => {
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
      features: [
        { name: 'n_1m', agg: 'count', window: '1m' },
        { name: 'avg_1m', agg: 'avg', field: 'v', window: '1m' },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const view = compileView(res.json() as FeatureView);
  const rnd = seededRandom(9);
  const records: { e: string; t: number; v: number }[] = [];
  for (let i = 0; i < 30_000; i++) {
    records.push({ e: `e${i % 300}`, t: 1_700_000_000_000 + i * 100, v: Math.floor(rnd() * 1000) });
  }
  const spine = Array.from({ length: 3000 }, (_, i) => ({
    entity: `e${Math.floor(rnd() * 300)}`,
    timestamp: 1_700_000_000_000 + Math.floor(rnd() * 3_000_000),
    i,
  }));
  const events = await upload(eddy, 'application/x-ndjson', records.map((r) => JSON.stringify(r)).join('\n'));
  // A small bound: many partitions, so the job runs long enough to be killed in the middle.
  const env = {
    ...FAST_KINESIS_ENV,
    REDIS_URL: eddy.redisUrl,
    EDDY_KEY_PREFIX: eddy.prefix,
    KINESIS_ENDPOINT: suite.kinesis.url,
    EDDY_HISTORICAL_MAX_EVENTS: '2000',
  };
  const first = suite.spawn(env);
  const id = await startJob(eddy, VIEW, { spine, events: { type: 'upload', upload: events } });
  await killMidJobAndRerun(eddy, suite, env, first, VIEW, id);
  const rows = await resultRows(eddy, VIEW, id);
  assert.equal(rows.length, spine.length);
  assert.deepEqual(new Set(rows.map((r) => r.i)).size, spine.length);
  const byEntity = new Map<string, EngineEvent[]>();
  for (const r of records) {
    const list = byEntity.get(r.e) ?? [];
    list.push({ t: r.t, values: { v: r.v } });
    byEntity.set(r.e, list);
  }
  for (const row of rows) {
    const s = spine[row.i as number]!;
    const want = pointInTimeOracle(view, byEntity.get(s.entity) ?? [], 'inclusive')(s.timestamp);
    for (const f of view.features) {
      const got = (row[f.name] ?? null) as number | null;
      assert.ok(
        agreesFeature(
          f,
          got,
          want.values[f.name] ?? null,
          want.restricted.windowEvents(f, s.timestamp, 'exact'),
        ),
        `${s.entity}@${s.timestamp} ${f.name}: ${got} vs ${want.values[f.name]}`,
      );
    }
  }
});
