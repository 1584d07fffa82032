/**
 * The memory bound of historical jobs (EDDY_HISTORICAL_MAX_EVENTS / _MAX_ROWS at their smallest, 100): a spine
 * and a history many times larger run in entity partitions (more than the upload sizes alone suggest, as hashing
 * is uneven), and every row still equals the point-in-time oracle. One entity beyond the bound fails the job
 * with JOB_TOO_LARGE instead of partitioning forever.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { resultRows, startJob, upload, waitForJob } from '../helpers/historical.js';
import { agreesFeature } from '../helpers/oracle.js';
import { pointInTimeOracle } from '../helpers/point-in-time-oracle.js';

const VIEW = 'hist_bound';
let eddy: TestEddy;
let view: FeatureView;
before(async () => {
  eddy = await startEddy({
    LOG_LEVEL: process.env.TEST_LOG ?? 'silent',
    EDDY_HISTORICAL_MAX_EVENTS: '100',
    EDDY_HISTORICAL_MAX_ROWS: '100',
  });
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: {
      name: VIEW,
      entityKey: 'e',
      eventTime: { field: 't' },
      source: { type: 'push' },
      granularity: '1s',
      allowedLateness: '5s',
      features: [
        { name: 'n_10s', agg: 'count', window: '10s' },
        { name: 'sum_30s', agg: 'sum', field: 'v', window: '30s' },
        { name: 'last_3', agg: 'last', field: 'v', events: 3 },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  view = res.json();
});
after(() => eddy.close());

describe('historical memory bound', () => {
  it('partitions a spine and a history larger than the bound, with exact rows', async () => {
    const rnd = seededRandom(3);
    const entities = Array.from({ length: 60 }, (_, i) => `e${i}`);
    const records: { e: string; t: number; v: number }[] = [];
    let t = 1_700_000_000_000;
    for (let i = 0; i < 3000; i++) {
      t += Math.floor(rnd() * 400);
      records.push({
        e: entities[Math.floor(rnd() * 60)]!,
        t: t - Math.floor(rnd() * 8000),
        v: Math.floor(rnd() * 100),
      });
    }
    const spine = Array.from({ length: 1500 }, (_, i) => ({
      entity: entities[Math.floor(rnd() * 60)]!,
      timestamp: 1_700_000_000_000 + Math.floor(rnd() * (t - 1_700_000_000_000 + 20_000)),
      i,
    }));
    const events = await upload(
      eddy,
      'application/x-ndjson',
      records.map((r) => JSON.stringify(r)).join('\n'),
    );
    const spineUpload = await upload(
      eddy,
      'application/x-ndjson',
      spine.map((r) => JSON.stringify(r)).join('\n'),
    );
    const id = await startJob(eddy, VIEW, {
      spine: { upload: spineUpload },
      events: { type: 'upload', upload: events },
    });
    const job = await waitForJob(eddy, VIEW, id, 120_000);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.ok(job.progress.partitions > 30, `partitions: ${job.progress.partitions}`);
    const rows = await resultRows(eddy, VIEW, id);
    assert.equal(rows.length, spine.length);
    const compiled = compileView(view);
    const byEntity = new Map<string, EngineEvent[]>();
    for (const r of records) {
      const list = byEntity.get(r.e) ?? [];
      list.push({ t: r.t, values: { v: r.v } });
      byEntity.set(r.e, list);
    }
    const oracles = new Map(
      entities.map((e) => [e, pointInTimeOracle(compiled, byEntity.get(e) ?? [], 'inclusive')]),
    );
    // Rows come in spine order within each partition: match them by the pass-through index.
    const seen = new Set<number>();
    for (const row of rows) {
      const s = spine[row.i as number]!;
      seen.add(row.i as number);
      assert.equal(row.entity, s.entity);
      const want = oracles.get(s.entity)!(s.timestamp);
      for (const f of compiled.features) {
        const got = (row[f.name] ?? null) as number | null;
        assert.ok(
          agreesFeature(
            f,
            got,
            want.values[f.name] ?? null,
            want.restricted.windowEvents(f, s.timestamp, 'exact'),
          ),
          `${s.entity} at ${s.timestamp}: ${f.name} ${got} vs ${want.values[f.name]}`,
        );
      }
    }
    assert.equal(seen.size, spine.length);
  });

  it('fails with JOB_TOO_LARGE when one entity alone exceeds the bound', async () => {
    const records = Array.from({ length: 150 }, (_, i) =>
      JSON.stringify({ e: 'big', t: 1_700_000_000_000 + i * 10, v: i }),
    );
    const events = await upload(eddy, 'application/x-ndjson', records.join('\n'));
    const id = await startJob(eddy, VIEW, {
      spine: [{ entity: 'big', timestamp: 1_700_000_100_000 }],
      events: { type: 'upload', upload: events },
    });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'failed');
    assert.equal(job.error.code, 'JOB_TOO_LARGE');
  });
});
