/**
 * Feature values are bounded (±1e100) so no window's sum, mean or squared deviations can overflow: a value past
 * the bound is rejected alone (FIELD_OUT_OF_RANGE, in the dead-letter store), the rest apply, and a non-empty
 * window never reads null for sum, avg or stddev, even with values at the bound.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

let eddy: TestEddy;
const T0 = Date.parse('2026-03-01T00:00:00Z');

const FEATURES = [
  { name: 'n', agg: 'count', field: 'temperature', window: '5m' },
  { name: 'total', agg: 'sum', field: 'temperature', window: '5m' },
  { name: 'mean', agg: 'avg', field: 'temperature', window: '5m' },
  { name: 'spread', agg: 'stddev', field: 'temperature', window: '5m' },
  { name: 'spread_50', agg: 'stddev', field: 'temperature', events: 50 },
  { name: 'total_50', agg: 'sum', field: 'temperature', events: 50 },
];

before(async () => {
  eddy = await startEddy();
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: sensorView({ name: 'bounds', features: FEATURES }),
  });
  assert.equal(res.statusCode, 201, res.body);
});
after(() => eddy.close());

async function push(records: { sensor_id: string; temperature: number }[]) {
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/bounds/records?wait=true',
    // ts 1 ms apart, all in one 10 s tile and in every window.
    payload: { records: records.map((r, i) => ({ ...r, ts: T0 + i })) },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function values(entity: string) {
  const res = await eddy.app.inject({ url: `/v1/feature-views/bounds/entities/${entity}?asOf=latest` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().values as Record<string, number | null>;
}

test('values past ±1e100 are rejected alone with FIELD_OUT_OF_RANGE; the others apply', async () => {
  const receipt = await push([
    { sensor_id: 'a', temperature: 1e200 },
    { sensor_id: 'a', temperature: 1 },
    { sensor_id: 'b', temperature: 1e308 },
    { sensor_id: 'b', temperature: 1e308 },
    { sensor_id: 'b', temperature: -2 },
  ]);
  assert.deepEqual(
    receipt.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
    [
      [0, 'FIELD_OUT_OF_RANGE'],
      [2, 'FIELD_OUT_OF_RANGE'],
      [3, 'FIELD_OUT_OF_RANGE'],
    ],
  );
  for (const r of receipt.rejected) assert.match(r.reason, /between -1e100 and 1e100/);
  assert.equal(receipt.applied.accepted, 2);
  assert.deepEqual(await values('a'), { n: 1, total: 1, mean: 1, spread: 0, spread_50: 0, total_50: 1 });
  assert.deepEqual(await values('b'), { n: 1, total: -2, mean: -2, spread: 0, spread_50: 0, total_50: -2 });

  const dl = await eddy.app.inject({ url: '/v1/feature-views/bounds/dead-letters' });
  const codes = dl.json().items.map((l: { code: string }) => l.code);
  assert.deepEqual(codes, ['FIELD_OUT_OF_RANGE', 'FIELD_OUT_OF_RANGE', 'FIELD_OUT_OF_RANGE']);
});

test('values at the bound read finite sum, avg and stddev', async () => {
  await push([
    { sensor_id: 'top', temperature: 1e100 },
    { sensor_id: 'top', temperature: 1e100 },
    { sensor_id: 'both', temperature: 1e100 },
    { sensor_id: 'both', temperature: -1e100 },
  ]);
  assert.deepEqual(await values('top'), {
    n: 2,
    total: 2e100,
    mean: 1e100,
    spread: 0,
    spread_50: 0,
    total_50: 2e100,
  });
  assert.deepEqual(await values('both'), {
    n: 2,
    total: 0,
    mean: 0,
    spread: 1e100,
    spread_50: 1e100,
    total_50: 0,
  });
});
