/**
 * An entity with no state reads like empty windows (the contract: `count` and `sum` are 0, every other aggregate
 * is null), with status NOT_FOUND and no event time, through both read routes. The SageMaker sink never writes
 * an entity that was only read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEmulator } from '../helpers/sagemaker-emulator.js';
import { createSinkView, push, sinkIdle, startSinkEddy, storedRecord } from '../helpers/sagemaker-sink.js';
import { sensorView } from '../helpers/views.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

const FEATURES = [
  { name: 'readings_5m', agg: 'count', window: '5m' },
  { name: 'temp_count_5m', agg: 'count', field: 'temperature', window: '5m' },
  { name: 'temp_count_10', agg: 'count', field: 'temperature', events: 10 },
  { name: 'temp_sum_5m', agg: 'sum', field: 'temperature', window: '5m' },
  { name: 'temp_sum_10', agg: 'sum', field: 'temperature', events: 10 },
  { name: 'temp_avg_5m', agg: 'avg', field: 'temperature', window: '5m' },
  { name: 'temp_min_1h', agg: 'min', field: 'temperature', window: '1h' },
  { name: 'temp_max_10', agg: 'max', field: 'temperature', events: 10 },
  { name: 'temp_std_50', agg: 'stddev', field: 'temperature', events: 50 },
  { name: 'temp_var_samp_5m', agg: 'var_samp', field: 'temperature', window: '5m' },
  { name: 'temp_last', agg: 'last', field: 'temperature' },
];

/** Written out by hand from the contract, not computed. */
const EMPTY = {
  readings_5m: 0,
  temp_count_5m: 0,
  temp_count_10: 0,
  temp_sum_5m: 0,
  temp_sum_10: 0,
  temp_avg_5m: null,
  temp_min_1h: null,
  temp_max_10: null,
  temp_std_50: null,
  temp_var_samp_5m: null,
  temp_last: null,
};

test('unknown entities read count and sum 0, the rest null, on both routes; the sink writes none of them', async (t) => {
  const emu = await startTestEmulator(t);
  const eddy = await startSinkEddy(t, emu);
  const { name, group } = await createSinkView(
    eddy,
    emu,
    sensorView({ features: FEATURES, sinks: { sagemaker: { featureGroupName: 'sensor-stats' } } }),
  );
  await push(eddy, name, [{ sensor_id: 'known', ts: T0, temperature: 21, reading_id: 'r1' }]);

  for (const asOf of ['now', 'latest', String(T0)]) {
    const one = await eddy.app.inject({ url: `/v1/feature-views/${name}/entities/ghost?asOf=${asOf}` });
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), { entity: 'ghost', status: 'NOT_FOUND', eventTime: null, values: EMPTY });

    const many = await eddy.app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: name, entities: ['ghost', 'known', 'ghost2'], asOf },
    });
    assert.equal(many.statusCode, 200, many.body);
    const [ghost, known, ghost2] = many.json().results;
    assert.deepEqual(ghost, { entity: 'ghost', status: 'NOT_FOUND', eventTime: null, values: EMPTY });
    assert.deepEqual(ghost2, { entity: 'ghost2', status: 'NOT_FOUND', eventTime: null, values: EMPTY });
    assert.equal(known.status, 'PRESENT');
  }

  // A chosen subset of features, in request order.
  const some = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: name, entities: ['ghost'], features: ['temp_last', 'temp_sum_5m'] },
  });
  assert.deepEqual(some.json().results[0].values, { temp_last: null, temp_sum_5m: 0 });

  await sinkIdle(eddy, name);
  assert.ok(storedRecord(emu, group, 'known'));
  assert.equal(storedRecord(emu, group, 'ghost'), undefined);
  assert.equal(storedRecord(emu, group, 'ghost2'), undefined);
  assert.deepEqual(
    emu.records(group).map((r) => r.recordIdentifier),
    ['known'],
  );
});
