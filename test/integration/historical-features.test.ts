/**
 * Historical features end to end (real Redis, real BullMQ workers): a generated stream with out-of-order, late
 * and duplicate records is pushed into a live view segment by segment and read online as of each segment's cut
 * time T (only records up to the cut ingested); the historical job over the same stream, uploaded, returns the
 * same values for the same (entity, T). Random spine rows are compared with the point-in-time oracle.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import {
  engineEvents,
  generateStream,
  resultRows,
  startJob,
  upload,
  waitForJob,
} from '../helpers/historical.js';
import { agreesFeature } from '../helpers/oracle.js';
import { pointInTimeOracle } from '../helpers/point-in-time-oracle.js';

const VIEW = 'hist_sensors';
const viewSpec = {
  name: VIEW,
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '2m',
  eventIdField: 'rid',
  features: [
    { name: 'n_1m', agg: 'count', window: '1m' },
    { name: 'sum_1m', agg: 'sum', field: 'x', window: '1m' },
    { name: 'avg_5m', agg: 'avg', field: 'x', window: '5m' },
    { name: 'min_1m', agg: 'min', field: 'x', window: '1m' },
    { name: 'max_5m', agg: 'max', field: 'x', window: '5m' },
    { name: 'std_5m', agg: 'stddev', field: 'x', window: '5m' },
    { name: 'vars_5m', agg: 'var_samp', field: 'x', window: '5m' },
    { name: 'last_5m', agg: 'last', field: 'x', window: '5m' },
    { name: 'last_y', agg: 'last', field: 'y' },
    { name: 'avg_8', agg: 'avg', field: 'x', events: 8 },
    { name: 'n_5', agg: 'count', events: 5 },
    { name: 'last_3', agg: 'last', field: 'y', events: 3 },
  ],
};

let eddy: TestEddy;
let view: FeatureView;
const stream = generateStream(21, 8, 40);
const ndjson = `${stream.records.map((r) => JSON.stringify(r)).join('\n')}\n`;

before(async () => {
  eddy = await startEddy({ EDDY_PUSH_LANES: '2', LOG_LEVEL: process.env.TEST_LOG ?? 'silent' });
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: viewSpec });
  assert.equal(res.statusCode, 201, res.body);
  view = res.json();
});
after(() => eddy.close());

/** Equal within docs/semantics.md#numbers (the two paths add the same events in different orders). */
function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('historical features', () => {
  it('equal what the online path served as of each cut, for every entity', async () => {
    const online: { entity: string; T: number; status: string; values: Record<string, number | null> }[] = [];
    let pushed = 0;
    for (const cut of stream.cuts) {
      const records = stream.records.slice(pushed, cut.end);
      pushed = cut.end;
      const push = await eddy.app.inject({
        method: 'POST',
        url: `/v1/feature-views/${VIEW}/records?wait=true`,
        payload: { records },
      });
      assert.equal(push.statusCode, 200, push.body);
      const read = await eddy.app.inject({
        method: 'POST',
        url: '/v1/online-features',
        payload: { featureView: VIEW, entities: stream.entities, asOf: new Date(cut.T).toISOString() },
      });
      assert.equal(read.statusCode, 200, read.body);
      for (const r of read.json().results)
        online.push({ entity: r.entity, T: cut.T, status: r.status, values: r.values });
    }
    assert.ok(online.some((o) => o.status === 'NOT_FOUND') || online.length > 0);
    const events = await upload(eddy, 'application/x-ndjson', ndjson);
    const spine = online.map((o, i) => ({ entity: o.entity, timestamp: o.T, row: i }));
    const id = await startJob(eddy, VIEW, { spine, events: { type: 'upload', upload: events } });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.progress.eventsRead, stream.records.length);
    assert.equal(job.progress.rowsWritten, spine.length);
    const rows = await resultRows(eddy, VIEW, id);
    assert.equal(rows.length, online.length);
    rows.forEach((row, i) => {
      const want = online[i]!;
      assert.equal(row.row, i, 'spine order and pass-through columns');
      assert.equal(row.entity, want.entity);
      assert.equal(row.timestamp, new Date(want.T).toISOString());
      for (const f of viewSpec.features) {
        const got = row[f.name] as number | null;
        if (!close(got, want.values[f.name] ?? null)) {
          assert.fail(
            `${want.entity} as of ${want.T}: ${f.name} historical ${got}, online ${want.values[f.name]}`,
          );
        }
      }
    });
  });

  it('equal the point-in-time oracle at random times, both boundaries', async () => {
    const compiled = compileView(view);
    const rnd = seededRandom(7);
    const first = Math.min(...stream.records.map((r) => r.ts));
    const last = Math.max(...stream.records.map((r) => r.ts));
    const spine: { entity: string; timestamp: number | string; label: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const entity =
        rnd() < 0.05 ? 'never-seen' : stream.entities[Math.floor(rnd() * stream.entities.length)]!;
      const pick = rnd();
      // Exactly at an event time (the boundary matters there), or anywhere from before the first to after the last.
      const t =
        pick < 0.4
          ? stream.records[Math.floor(rnd() * stream.records.length)]!.ts
          : first - 60_000 + Math.floor(rnd() * (last - first + 600_000));
      spine.push({ entity, timestamp: i % 2 === 0 ? t : new Date(t).toISOString(), label: i });
    }
    const events = await upload(eddy, 'application/x-ndjson', ndjson);
    for (const boundary of ['inclusive', 'exclusive'] as const) {
      const id = await startJob(eddy, VIEW, { spine, events: { type: 'upload', upload: events }, boundary });
      const job = await waitForJob(eddy, VIEW, id);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      const rows = await resultRows(eddy, VIEW, id);
      const oracles = new Map(
        [...stream.entities, 'never-seen'].map((e) => [
          e,
          pointInTimeOracle(compiled, engineEvents(stream.records, e), boundary),
        ]),
      );
      rows.forEach((row, i) => {
        const s = spine[i]!;
        assert.equal(row.label, s.label);
        const T = typeof s.timestamp === 'number' ? s.timestamp : Date.parse(s.timestamp);
        const want = oracles.get(s.entity)!(T);
        for (const f of compiled.features) {
          const values = want.restricted.windowEvents(f, T, 'exact');
          const got = (row[f.name] ?? null) as number | null;
          if (!agreesFeature(f, got, want.values[f.name] ?? null, values)) {
            assert.fail(
              `${s.entity} as of ${T} (${boundary}): ${f.name} got ${got}, oracle ${want.values[f.name]}`,
            );
          }
        }
      });
    }
  });
});
