/**
 * Starts every worker of a worker-role process on the ports the composition root built (src/compose.ts):
 * the push-lane workers, Kinesis ingestion (shard readers and batch worker) and the SageMaker sink worker, with
 * their readiness probes and shutdown steps.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../src/adapters/kinesis/client.js';
import { kinesisHistoryReader } from '../src/adapters/kinesis/history-reader.js';
import { shardApi } from '../src/adapters/kinesis/shard-api.js';
import type { WorkerPorts } from '../src/compose.js';
import { lagProbe } from '../src/runtime/readiness.js';
import { type HistoricalWorker, startHistoricalWorker } from './historical-worker.js';
import { type KinesisIngestion, startKinesisIngestion } from './kinesis/ingestion.js';
import { type PushLaneWorkers, startPushLaneWorkers } from './push-lane-worker.js';
import { type SageMakerSinkWorker, startSageMakerSinkWorker } from './sagemaker-sink-worker.js';

export interface Workers {
  pushLanes: PushLaneWorkers;
  kinesis: KinesisIngestion;
  sink: SageMakerSinkWorker;
  historical: HistoricalWorker;
}

export interface WorkerOverrides {
  /** A client to use instead of one built from the config (tests wrap the real one to inject faults). */
  kinesisClient?: KinesisClient;
}

export async function startWorkers(ports: WorkerPorts, overrides: WorkerOverrides = {}): Promise<Workers> {
  const { config, log, metrics, readiness, shutdown } = ports;
  const pushLanes = startPushLaneWorkers({
    ...ports.apply,
    metrics,
    connection: ports.connection,
    keyPrefix: config.keyPrefix,
    lanes: config.pushLanes,
    replicaAck: ports.connection.replicaAck,
    log,
  });
  const kinesis = await startKinesisIngestion({
    config,
    connection: ports.connection,
    keys: ports.keys,
    apply: ports.apply,
    log,
    metrics,
    batches: ports.kinesisBatches,
    ...(overrides.kinesisClient ? { client: overrides.kinesisClient } : {}),
  });
  const sink = startSageMakerSinkWorker(ports.sink);
  // Kinesis history is read with a client of its own, at the endpoint ingestion uses (the embedded one included).
  const historyClient =
    overrides.kinesisClient ?? createKinesisClient({ endpoint: kinesis.endpoint, region: config.awsRegion });
  const historical = startHistoricalWorker({
    deps: { ...ports.historical, reader: kinesisHistoryReader(shardApi(historyClient)) },
    connection: ports.connection,
    keyPrefix: config.keyPrefix,
    concurrency: config.historical.concurrency,
    log,
  });

  readiness.register('push-lanes', () =>
    pushLanes.running() ? { ok: true } : { ok: false, reason: 'stopped' },
  );
  readiness.register(
    'lag',
    lagProbe(() => metrics.maxMillisBehindLatest(), config.readyMaxLagMs),
  );
  readiness.register('kinesis', () =>
    kinesis.running() ? { ok: true } : { ok: false, reason: 'shard readers or batch worker stopped' },
  );
  // Kinesis readers stop first: each finishes its batch in flight (the batch worker still runs) and hands its
  // lease back; then the batch workers drain; the queues and connections go in the composition root's steps.
  shutdown.add('intake', 'kinesis shard readers', () => kinesis.readers.close());
  shutdown.add('drain', 'push-lane workers', () => pushLanes.close());
  shutdown.add('drain', 'kinesis batch worker', () => kinesis.close());
  shutdown.add('drain', 'sagemaker sink worker', () => sink.close());
  shutdown.add('drain', 'historical-features worker', async () => {
    await historical.close();
    if (!overrides.kinesisClient) historyClient.destroy();
  });
  return { pushLanes, kinesis, sink, historical };
}
