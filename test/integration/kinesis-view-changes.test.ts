/**
 * A Kinesis view starts reading as soon as it is registered, not at the workers' next discovery round: the
 * registry publishes every change and the workers' coordinator runs a round at once. The discovery interval here
 * is five minutes, so without the message nothing would be read within the test's limits.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';

const suite = inProcessSuite({ EDDY_KINESIS_DISCOVERY_MS: '300000' });
before(async () => {
  // The start-up round has run (it finds no view): from here on only a change message can start a reader.
  await new Promise((r) => setTimeout(r, 500));
});

test('registering a view, and a new version of it, starts reading at once despite a 5-minute discovery interval', async () => {
  const stream = 'sensors-announced';
  await createStream(suite.kinesis, stream, 2);
  const { items } = sensorDataset({ entities: 10, perEntity: 20, seed: 8, prefix: 'announced' });
  await produce(suite.kinesis.client, stream, items);

  const started = performance.now();
  await createView(suite.eddy.app, kinesisViewSpec('sensor_announced', stream));
  await waitConsumed(suite.eddy.app, 'sensor_announced', items.length, 10_000);
  const firstMs = performance.now() - started;
  assert.ok(firstMs < 10_000, `consumed after ${Math.round(firstMs)} ms`);

  // A new version (another window) reads the stream again from TRIM_HORIZON, also without waiting for a round.
  const again = performance.now();
  const res = await suite.eddy.app.inject({
    method: 'PUT',
    url: '/v1/feature-views/sensor_announced',
    payload: kinesisViewSpec('sensor_announced', stream, {
      features: [{ name: 'temp_avg_10m', agg: 'avg', field: 'temperature', window: '10m' }],
    }),
  });
  assert.equal(res.statusCode, 200, res.body);
  await waitConsumed(suite.eddy.app, 'sensor_announced', items.length, 10_000);
  assert.equal((await status(suite.eddy.app, 'sensor_announced')).version, 2);
  const secondMs = performance.now() - again;
  assert.ok(secondMs < 10_000, `version 2 consumed after ${Math.round(secondMs)} ms`);
});
