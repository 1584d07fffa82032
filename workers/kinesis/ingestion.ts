/**
 * Kinesis ingestion of one worker process, built from the config: the client (or the embedded emulator with
 * `KINESIS_ENDPOINT=embedded`), the `kinesis-batch` worker, the shard readers (woken by view changes) (the queue itself comes from the
 * composition root, so API-only processes show it in the queue dashboard and metrics too). `close` stops the readers
 * first (they finish their batches and hand their leases back), then the batch worker, then the emulator.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from 'pino';
import { createKinesisClient } from '../../src/adapters/kinesis/client.js';
import { type EmbeddedKinesis, startEmbeddedKinesis } from '../../src/adapters/kinesis/embedded.js';
import { shardApi } from '../../src/adapters/kinesis/shard-api.js';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import type { KeyLayout } from '../../src/adapters/redis/keys.js';
import { redisShardLeases } from '../../src/adapters/redis/redis-shard-leases.js';
import { redisShardStore } from '../../src/adapters/redis/redis-shard-store.js';
import type { EddyRedis } from '../../src/adapters/redis/scripts.js';
import { subscribeViewChanges } from '../../src/adapters/redis/view-changes.js';
import type { Config } from '../../src/config.js';
import type { KinesisApplyDeps } from '../../src/services/apply-kinesis-batch.js';
import { type KinesisBatchWorker, startKinesisBatchWorker } from './batch-worker.js';
import { type KinesisReaders, startKinesisReaders } from './coordinator.js';
import type { KinesisMetrics } from './kinesis-metrics.js';

export interface KinesisIngestion {
  readers: KinesisReaders;
  worker: KinesisBatchWorker;
  /** The endpoint in use (the embedded emulator's URL with `embedded`; null: the AWS default). */
  endpoint: string | null;
  running(): boolean;
  close(): Promise<void>;
}

export interface KinesisIngestionOptions {
  config: Config;
  /** A worker connection (`maxRetriesPerRequest: null`). */
  connection: EddyRedis;
  keys: KeyLayout;
  apply: Omit<KinesisApplyDeps, 'retry' | 'clock' | 'leases'>;
  log: Logger;
  metrics?: KinesisMetrics;
  /** The `kinesis-batch` queue (the composition root owns and closes it). */
  batches: KinesisBatches;
  /** A client to use instead of one built from the config (tests wrap the real one to inject faults). */
  client?: KinesisClient;
}

/** Batch jobs of different shards one process runs at once. */
const BATCH_CONCURRENCY = 8;

export async function startKinesisIngestion(options: KinesisIngestionOptions): Promise<KinesisIngestion> {
  const { config, connection, keys, log } = options;
  let embedded: EmbeddedKinesis | null = null;
  let endpoint: string | null = config.kinesisEndpoint === 'aws' ? null : config.kinesisEndpoint;
  if (!options.client && config.kinesisEndpoint === 'embedded') {
    embedded = await startEmbeddedKinesis();
    endpoint = embedded.url;
    log.warn(
      { endpoint },
      'KINESIS_ENDPOINT=embedded: started an in-memory Kinesis emulator (kinesalite) for development; produce to it with `npm run produce -- --endpoint URL`',
    );
  }
  const client =
    options.client ??
    createKinesisClient({ endpoint, region: config.awsRegion, dummyCredentials: embedded !== null });
  const { batches } = options;
  const leases = redisShardLeases(connection, keys);
  const worker = startKinesisBatchWorker({
    ...options.apply,
    leases,
    connection,
    keyPrefix: config.keyPrefix,
    lockMs: config.kinesisLeaseTtlMs,
    concurrency: BATCH_CONCURRENCY,
    log,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const readers = startKinesisReaders({
    api: shardApi(client),
    batches,
    store: redisShardStore(connection, keys),
    leases,
    counters: options.apply.counters,
    catalog: options.apply.catalog,
    leaseTtlMs: config.kinesisLeaseTtlMs,
    discoveryMs: config.kinesisDiscoveryMs,
    idleMs: config.kinesisIdleMs,
    recordLimit: config.kinesisRecordLimit,
    log,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const changes = await subscribeViewChanges(connection, keys, () => readers.poke(), log);
  return {
    readers,
    worker,
    endpoint,
    running: () => readers.running() && worker.running(),
    async close() {
      await changes.close();
      await readers.close();
      await worker.close();
      if (!options.client) client.destroy();
      await embedded?.close();
    },
  };
}
