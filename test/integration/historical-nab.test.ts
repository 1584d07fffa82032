/**
 * The training-data example of docs/training-data.md: the NAB machine-temperature series uploaded as CSV, read through the view's
 * transform (a constant entity, the zone-less NAB time as UTC), an hourly spine labelled with NAB's anomaly windows
 * (a pass-through column); every row equals the point-in-time oracle, and the labels come back as they went in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { resultRows, startJob, upload, waitForJob } from '../helpers/historical.js';
import { agreesFeature } from '../helpers/oracle.js';
import { pointInTimeOracle } from '../helpers/point-in-time-oracle.js';

const SERIES = 'data/nab/series/machine_temperature_system_failure.csv';
let eddy: TestEddy;
before(async () => {
  eddy = await startEddy({ LOG_LEVEL: process.env.TEST_LOG ?? 'silent' });
});
after(() => eddy.close());

test('the NAB training set of docs/training-data.md equals the point-in-time oracle', async () => {
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: {
      name: 'nab_machine',
      entityKey: 'sensor',
      eventTime: { field: 'ts' },
      source: { type: 'push' },
      granularity: '5m',
      allowedLateness: '1d',
      transform: { fields: { sensor: "'machine_temperature'", ts: "timestamp + 'Z'" } },
      features: [
        { name: 'avg_1h', agg: 'avg', field: 'value', window: '1h' },
        { name: 'std_1d', agg: 'stddev', field: 'value', window: '1d' },
        { name: 'max_1d', agg: 'max', field: 'value', window: '1d' },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const view = compileView(res.json() as FeatureView);
  const csv = readFileSync(SERIES, 'utf8');
  const readings = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [t, v] = line.split(',');
      return { t: Date.parse(`${t!.replace(' ', 'T')}Z`), value: Number(v) };
    });
  const windows = (
    JSON.parse(readFileSync('data/nab/combined_windows.json', 'utf8')) as Record<string, string[][]>
  )['realKnownCause/machine_temperature_system_failure.csv']!.map(([a, b]) => [
    Date.parse(`${a!.slice(0, 19).replace(' ', 'T')}Z`),
    Date.parse(`${b!.slice(0, 19).replace(' ', 'T')}Z`),
  ]);
  const spineRows = readings
    .filter((_, i) => i % 12 === 0)
    .map((r) => ({ t: r.t, label: windows.some(([a, b]) => a! <= r.t && r.t <= b!) ? 1 : 0 }));
  const spineCsv = [
    'entity,timestamp,label',
    ...spineRows.map((r) => `machine_temperature,${new Date(r.t).toISOString()},${r.label}`),
  ].join('\n');
  const events = await upload(eddy, 'text/csv', csv);
  const spine = await upload(eddy, 'text/csv', spineCsv);
  const id = await startJob(eddy, 'nab_machine', {
    spine: { upload: spine },
    events: { type: 'upload', upload: events },
  });
  const job = await waitForJob(eddy, 'nab_machine', id);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.eventsRead, readings.length);
  assert.equal(job.progress.eventsRejected, 0);
  const rows = await resultRows(eddy, 'nab_machine', id);
  assert.equal(rows.length, spineRows.length);
  assert.ok(spineRows.some((r) => r.label === 1));
  const oracle = pointInTimeOracle(
    view,
    readings.map((r): EngineEvent => ({ t: r.t, values: { value: r.value } })),
    'inclusive',
  );
  rows.forEach((row, i) => {
    const s = spineRows[i]!;
    assert.equal(row.label, String(s.label));
    const want = oracle(s.t);
    for (const f of view.features) {
      const got = (row[f.name] ?? null) as number | null;
      assert.ok(
        agreesFeature(f, got, want.values[f.name] ?? null, want.restricted.windowEvents(f, s.t, 'exact')),
        `${new Date(s.t).toISOString()} ${f.name}: ${got} vs ${want.values[f.name]}`,
      );
    }
  });
});
