/**
 * Composition root: builds every adapter and service from the config and a Redis URL. No module-level state.
 */

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from 'pino';
import { type KinesisIngestion, startKinesisIngestion } from '../workers/kinesis/ingestion.js';
import { type PushLaneWorkers, startPushLaneWorkers } from '../workers/push-lane-worker.js';
import { createMetrics } from './adapters/metrics/metrics.js';
import { kinesisBatches } from './adapters/queue/kinesis-batches.js';
import { pushLanes } from './adapters/queue/push-lanes.js';
import { queueDepths } from './adapters/queue/queue-depths.js';
import { connectRedis } from './adapters/redis/connect.js';
import { keyLayout } from './adapters/redis/keys.js';
import { redisDeadLetters } from './adapters/redis/redis-dead-letters.js';
import { redisEntitySnapshots } from './adapters/redis/redis-entity-snapshots.js';
import { redisEntityStore } from './adapters/redis/redis-entity-store.js';
import { redisShardLeases } from './adapters/redis/redis-shard-leases.js';
import { redisShardStore } from './adapters/redis/redis-shard-store.js';
import { redisViewCounters } from './adapters/redis/redis-view-counters.js';
import { redisViewRegistry } from './adapters/redis/redis-view-registry.js';
import { composeSageMakerSink } from './compose-sagemaker.js';
import type { Config } from './config.js';
import type { AppDeps } from './http/app.js';
import { createReadiness, lagProbe } from './runtime/readiness.js';
import { createShutdown, type Shutdown } from './runtime/shutdown.js';
import { deadLetterSizes, meteredCounters, meteredDeadLetters } from './services/metered-stores.js';
import { viewCatalog } from './services/view-catalog.js';

export interface Runtime {
  deps: AppDeps;
  workers: PushLaneWorkers | null;
  /** Kinesis shard readers and batch worker (worker role). */
  kinesis: KinesisIngestion | null;
  /** Phased, bounded shutdown (src/runtime/shutdown.ts): components and src/main.ts add their steps. */
  shutdown: Shutdown;
  /** Runs the shutdown. */
  close(): Promise<void>;
}

export async function compose(
  config: Config,
  redisUrl: string,
  log: Logger,
  roles: { api: boolean; worker: boolean },
  overrides: { kinesisClient?: KinesisClient } = {},
): Promise<Runtime> {
  const keys = keyLayout(config.keyPrefix);
  const depths = queueDepths(redisUrl, () => queues());
  const metrics = createMetrics({
    queueDepths: () => depths.read(),
    deadLetterSizes: () => deadLetterSizes({ catalog, deadLetters }),
  });
  const requestRedis = connectRedis(redisUrl, 'request');
  const workerRedis = connectRedis(redisUrl, 'worker');
  for (const [name, r] of [
    ['request', requestRedis],
    ['worker', workerRedis],
  ] as const) {
    r.on('error', (err) => {
      metrics.redisError(name);
      log.warn({ err: String(err), connection: name }, 'redis connection error');
    });
  }
  await Promise.all([requestRedis.ping(), workerRedis.ping()]);

  const catalog = viewCatalog(redisViewRegistry(requestRedis, keys), { latestTtlMs: config.viewCacheMs });
  const sagemaker = composeSageMakerSink({
    config,
    keys,
    requestRedis,
    workerRedis,
    catalog,
    log,
    worker: roles.worker,
    metrics,
  });
  const readEntities = redisEntityStore(requestRedis, keys);
  const counters = meteredCounters(redisViewCounters(workerRedis, keys), metrics);
  const deadLetters = meteredDeadLetters(redisDeadLetters(requestRedis, keys, config.deadLetterMax), metrics);
  const lanes = pushLanes(workerRedis, config.keyPrefix, config.pushLanes);
  /** Every queue (push lanes; add new queues here): the dashboard and the queue-depth metrics show them. */
  const kinesisQueue = kinesisBatches(workerRedis, config.keyPrefix);
  const queues = () => [...lanes.queues(), sagemaker.queue, kinesisQueue.queue()];

  let workers: PushLaneWorkers | null = null;
  if (roles.worker) {
    workers = startPushLaneWorkers({
      catalog: viewCatalog(redisViewRegistry(workerRedis, keys), { latestTtlMs: config.viewCacheMs }),
      entities: redisEntityStore(workerRedis, keys, { cacheBytes: config.stateCacheBytes }),
      counters,
      afterApply: sagemaker.afterApply,
      deadLetters: meteredDeadLetters(redisDeadLetters(workerRedis, keys, config.deadLetterMax), metrics),
      metrics,
      connection: workerRedis,
      keyPrefix: config.keyPrefix,
      lanes: config.pushLanes,
      log,
    });
  }
  const kinesis = roles.worker
    ? await startKinesisIngestion({
        config,
        connection: workerRedis,
        keys,
        apply: {
          catalog: viewCatalog(redisViewRegistry(workerRedis, keys), { latestTtlMs: config.viewCacheMs }),
          entities: redisEntityStore(workerRedis, keys, { cacheBytes: config.stateCacheBytes }),
          counters,
          afterApply: sagemaker.afterApply,
          deadLetters: meteredDeadLetters(redisDeadLetters(workerRedis, keys, config.deadLetterMax), metrics),
        },
        log,
        metrics,
        batches: kinesisQueue,
        ...(overrides.kinesisClient ? { client: overrides.kinesisClient } : {}),
      })
    : null;
  const deps: AppDeps = {
    config,
    redis: requestRedis,
    catalog,
    entities: readEntities,
    snapshots: redisEntitySnapshots(requestRedis, keys, { maxBytes: config.stateCacheBytes }),
    counters: redisViewCounters(requestRedis, keys),
    deadLetters,
    lanes,
    kinesisStatus: {
      store: redisShardStore(requestRedis, keys),
      leases: redisShardLeases(requestRedis, keys),
    },
    metrics,
    readiness: createReadiness(),
    queues,
    sagemaker: sagemaker.api,
  };
  deps.readiness.register('redis', async () => {
    try {
      await requestRedis.ping();
      return { ok: true };
    } catch {
      return { ok: false, reason: 'unreachable' };
    }
  });
  if (workers) {
    const running = workers;
    deps.readiness.register('push-lanes', () =>
      running.running() ? { ok: true } : { ok: false, reason: 'stopped' },
    );
    deps.readiness.register(
      'lag',
      lagProbe(() => metrics.maxMillisBehindLatest(), config.readyMaxLagMs),
    );
  }
  if (kinesis) {
    const ingestion = kinesis;
    deps.readiness.register('kinesis', () =>
      ingestion.running() ? { ok: true } : { ok: false, reason: 'shard readers or batch worker stopped' },
    );
  }

  const shutdown = createShutdown({ log, budgetMs: config.shutdownTimeoutMs });
  shutdown.add('disconnect', 'queue-depth reader', () => depths.close());
  // Kinesis readers stop first: each finishes its batch in flight (the batch worker still runs) and hands its
  // lease back; then the batch worker drains; then the client and the embedded emulator go.
  if (kinesis) shutdown.add('intake', 'kinesis shard readers', () => kinesis.readers.close());
  if (workers) shutdown.add('drain', 'push-lane workers', () => workers!.close());
  if (kinesis) shutdown.add('drain', 'kinesis batch worker', () => kinesis.close());
  if (sagemaker.worker) shutdown.add('drain', 'sagemaker sink worker', () => sagemaker.worker!.close());
  shutdown.add('disconnect', 'queues', () => lanes.close());
  shutdown.add('disconnect', 'sagemaker sink queue', () => sagemaker.closeQueue());
  shutdown.add('disconnect', 'kinesis batch queue', () => kinesisQueue.close());
  shutdown.add('disconnect', 'redis connections', () => {
    requestRedis.disconnect();
    workerRedis.disconnect();
  });
  return {
    deps,
    workers,
    kinesis,
    shutdown,
    async close() {
      await shutdown.run();
    },
  };
}
