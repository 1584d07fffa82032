/**
 * The SageMaker sink on the Kinesis path: records read from kinesalite by the real shard readers and batch worker
 * end up in the Feature Store emulator with the online values as of `latest`.
 */
import { test } from 'node:test';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { startEddy } from '../helpers/eddy.js';
import { sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream, FAST_KINESIS_ENV, startKinesalite } from '../helpers/kinesis-emulator.js';
import { kinesisViewSpec, waitConsumed } from '../helpers/kinesis-views.js';
import { startTestEmulator } from '../helpers/sagemaker-emulator.js';
import { assertConverged, createSinkView, FAST_SINK, sinkIdle } from '../helpers/sagemaker-sink.js';

test('Kinesis, 2 shards, out-of-order, late, duplicate and bad records: every record equals the online values', async (t) => {
  const kinesis = await startKinesalite();
  t.after(() => kinesis.close());
  const emu = await startTestEmulator(t);
  const eddy = await startEddy({
    ...FAST_KINESIS_ENV,
    ...FAST_SINK,
    KINESIS_ENDPOINT: kinesis.url,
    SAGEMAKER_FEATURESTORE_ENDPOINT: emu.url,
    EDDY_KINESIS_RECORD_LIMIT: '300',
  });
  t.after(() => eddy.close());
  await createStream(kinesis, 'sink-readings', 2);
  const spec = kinesisViewSpec('sink_k', 'sink-readings', {
    sinks: { sagemaker: { featureGroupName: 'sink-k' } },
  });
  const { group } = await createSinkView(eddy, emu, spec);
  const { entities, items } = sensorDataset({ entities: 30, perEntity: 40, seed: 3 });
  // In three parts, so that entities are written to SageMaker several times as their values move.
  const third = Math.ceil(items.length / 3);
  for (let i = 0; i < items.length; i += third) {
    await produce(kinesis.client, 'sink-readings', items.slice(i, i + third), { rate: 0 });
    await waitConsumed(eddy.app, 'sink_k', Math.min(items.length, i + third));
  }
  await sinkIdle(eddy, 'sink_k');
  await assertConverged(eddy, emu, 'sink_k', group, entities, { eventTimeSlackMs: 100 });
});
