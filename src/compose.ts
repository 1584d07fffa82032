/**
 * Composition root: builds every adapter and service from the config and a Redis URL. No module-level state.
 * It starts no worker: for the worker role it returns the ports the workers run on (`worker`), and the entry
 * (src/assemble.ts) hands them to workers/start-workers.ts.
 */

import type { Logger } from 'pino';
import type { EddyMetrics } from './adapters/metrics/metrics.js';
import { createMetrics } from './adapters/metrics/metrics.js';
import type { KinesisBatches } from './adapters/queue/kinesis-batches.js';
import { kinesisBatches } from './adapters/queue/kinesis-batches.js';
import { pushLanes } from './adapters/queue/push-lanes.js';
import { queueDepths } from './adapters/queue/queue-depths.js';
import { connectRedis } from './adapters/redis/connect.js';
import { type KeyLayout, keyLayout } from './adapters/redis/keys.js';
import { leasedRateLimitStore } from './adapters/redis/leased-rate-limit-store.js';
import { redisDeadLetters } from './adapters/redis/redis-dead-letters.js';
import { redisEntitySnapshots } from './adapters/redis/redis-entity-snapshots.js';
import { redisEntityStore } from './adapters/redis/redis-entity-store.js';
import { redisShardLeases } from './adapters/redis/redis-shard-leases.js';
import { redisShardStore } from './adapters/redis/redis-shard-store.js';
import { redisViewCounters } from './adapters/redis/redis-view-counters.js';
import { redisViewRegistry } from './adapters/redis/redis-view-registry.js';
import type { EddyRedis } from './adapters/redis/scripts.js';
import { composeSageMakerSink, type SinkWorkerPorts } from './compose-sagemaker.js';
import type { Config } from './config.js';
import type { AppDeps } from './http/app.js';
import type { DeadLetterStore } from './ports/dead-letters.js';
import { createReadiness, type Readiness } from './runtime/readiness.js';
import { createShutdown, type Shutdown } from './runtime/shutdown.js';
import type { ApplyDeps } from './services/apply-source-batch.js';
import { deadLetterSizes, meteredCounters, meteredDeadLetters } from './services/metered-stores.js';
import { type ViewCatalog, viewCatalog } from './services/view-catalog.js';

export interface Runtime {
  deps: AppDeps;
  /** What the worker role runs on; null in an API-only process. */
  worker: WorkerPorts | null;
  /** Phased, bounded shutdown (src/runtime/shutdown.ts): components and the entry add their steps. */
  shutdown: Shutdown;
  /** Runs the shutdown. */
  close(): Promise<void>;
}

/** The ports, queues and settings the workers of one process share (workers/start-workers.ts starts them). */
export interface WorkerPorts {
  config: Config;
  log: Logger;
  metrics: EddyMetrics;
  keys: KeyLayout;
  /** The worker connection (`maxRetriesPerRequest: null`). */
  connection: EddyRedis;
  /** What applying a batch needs, built once for every batch path: the write-through entity cache is shared. */
  apply: ApplyDeps & { catalog: ViewCatalog; deadLetters: DeadLetterStore };
  kinesisBatches: KinesisBatches;
  sink: SinkWorkerPorts;
  readiness: Readiness;
  shutdown: Shutdown;
}

export async function compose(
  config: Config,
  redisUrl: string,
  log: Logger,
  roles: { api: boolean; worker: boolean },
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

  const deps: AppDeps = {
    config,
    rateLimitStore: leasedRateLimitStore(requestRedis, `${config.keyPrefix}:rate-limit:`),
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
  const shutdown = createShutdown({ log, budgetMs: config.shutdownTimeoutMs });
  shutdown.add('disconnect', 'queue-depth reader', () => depths.close());
  shutdown.add('disconnect', 'queues', () => lanes.close());
  shutdown.add('disconnect', 'sagemaker sink queue', () => sagemaker.closeQueue());
  shutdown.add('disconnect', 'kinesis batch queue', () => kinesisQueue.close());
  shutdown.add('disconnect', 'redis connections', () => {
    requestRedis.disconnect();
    workerRedis.disconnect();
  });
  const worker: WorkerPorts | null = roles.worker
    ? {
        config,
        log,
        metrics,
        keys,
        connection: workerRedis,
        apply: {
          catalog: viewCatalog(redisViewRegistry(workerRedis, keys), { latestTtlMs: config.viewCacheMs }),
          entities: redisEntityStore(workerRedis, keys, { cacheBytes: config.stateCacheBytes }),
          counters,
          afterApply: sagemaker.afterApply,
          deadLetters: meteredDeadLetters(redisDeadLetters(workerRedis, keys, config.deadLetterMax), metrics),
        },
        kinesisBatches: kinesisQueue,
        sink: sagemaker.worker!,
        readiness: deps.readiness,
        shutdown,
      }
    : null;
  return {
    deps,
    worker,
    shutdown,
    async close() {
      await shutdown.run();
    },
  };
}
