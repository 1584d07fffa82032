/**
 * Composition root: builds every adapter and service from the config and a Redis URL (or the config's Redis
 * Cluster, which then replaces it). No module-level state.
 * It starts no worker: for the worker role it returns the ports the workers run on (`worker`), and the entry
 * (src/assemble.ts) hands them to workers/start-workers.ts.
 */

import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { EddyMetrics } from './adapters/metrics/metrics.js';
import { createMetrics } from './adapters/metrics/metrics.js';
import { type BullHistoricalQueue, historicalQueue } from './adapters/queue/historical-queue.js';
import type { KinesisBatches } from './adapters/queue/kinesis-batches.js';
import { kinesisBatches } from './adapters/queue/kinesis-batches.js';
import { type BullPushLanes, pushLanes } from './adapters/queue/push-lanes.js';
import { type QueueDepths, queueDepths } from './adapters/queue/queue-depths.js';
import { connectRedis } from './adapters/redis/connect.js';
import { historicalKeys } from './adapters/redis/historical-keys.js';
import { type KeyLayout, keyLayout } from './adapters/redis/keys.js';
import { leasedRateLimitStore } from './adapters/redis/leased-rate-limit-store.js';
import { redisDeadLetters } from './adapters/redis/redis-dead-letters.js';
import { redisDeliveries } from './adapters/redis/redis-deliveries.js';
import { redisEntitySnapshots } from './adapters/redis/redis-entity-snapshots.js';
import { redisEntityStore } from './adapters/redis/redis-entity-store.js';
import { redisHistoricalJobs } from './adapters/redis/redis-historical-jobs.js';
import { redisHistoricalUploads } from './adapters/redis/redis-historical-uploads.js';
import { probeRedis } from './adapters/redis/redis-probe.js';
import { redisShardLeases } from './adapters/redis/redis-shard-leases.js';
import { redisShardStore } from './adapters/redis/redis-shard-store.js';
import type { RedisTarget } from './adapters/redis/redis-target.js';
import { redisViewCounters } from './adapters/redis/redis-view-counters.js';
import { redisViewRegistry } from './adapters/redis/redis-view-registry.js';
import type { EddyRedis } from './adapters/redis/scripts.js';
import {
  composeSageMakerSink,
  type SageMakerSinkRuntime,
  type SinkWorkerPorts,
} from './compose-sagemaker.js';
import type { Config } from './config.js';
import type { AppDeps } from './http/app.js';
import type { DeadLetterStore } from './ports/dead-letters.js';
import { createReadiness, type Readiness } from './runtime/readiness.js';
import { createShutdown, type Shutdown } from './runtime/shutdown.js';
import type { ApplyDeps } from './services/apply-source-batch.js';
import type { HistoricalRunDeps } from './services/historical/run-historical-job.js';
import { deadLetterSizes, meteredCounters, meteredDeadLetters } from './services/metered-stores.js';
import { featureGroupIndex } from './services/sagemaker-runtime/feature-group-index.js';
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
  /** What historical-features jobs run on (uploads, jobs, catalog, memory bound). */
  historical: HistoricalRunDeps;
  readiness: Readiness;
  shutdown: Shutdown;
}

export async function compose(
  config: Config,
  redisUrl: string,
  log: Logger,
  roles: { api: boolean; worker: boolean },
): Promise<Runtime> {
  const target = redisTarget(config, redisUrl);
  const keys = keyLayout(config.keyPrefix, { cluster: target.cluster !== null });
  // The metrics read the queues and the API's dead letters built below, at scrape time.
  const depths = queueDepths(
    () => connectRedis(target, 'metrics'),
    () => shared.queues(),
  );
  const metrics = createMetrics({
    queueDepths: () => depths.read(),
    deadLetterSizes: () => deadLetterSizes({ catalog: shared.catalog, deadLetters: shared.deadLetters }),
  });
  const redis = await openConnections(target, metrics, log);
  const shared = sharedParts({ config, keys, redis, metrics, log, worker: roles.worker });
  const deps = apiDeps({ config, keys, redis, metrics, shared });
  const shutdown = createShutdown({ log, budgetMs: config.shutdownTimeoutMs });
  addDisconnectSteps(shutdown, { depths, shared, redis });
  const worker = roles.worker
    ? workerPorts({ config, keys, redis, metrics, log, shared, readiness: deps.readiness, shutdown })
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

/** The process's two Redis connections (connect.ts): `request` for the API, `worker` for the workers. */
interface Connections {
  request: EddyRedis;
  worker: EddyRedis;
}

/** Where the process's Redis is: the config's cluster when it names one, else `redisUrl`. */
export function redisTarget(config: Config, redisUrl: string): RedisTarget {
  return {
    url: redisUrl,
    cluster: config.redisCluster,
    waitReplicas: config.redisWaitReplicas,
    waitTimeoutMs: config.redisWaitTimeoutMs,
  };
}

/** Opens both connections, each counting and logging its errors; resolves once both answer a PING. */
async function openConnections(target: RedisTarget, metrics: EddyMetrics, log: Logger): Promise<Connections> {
  const redis: Connections = {
    request: connectRedis(target, 'request'),
    worker: connectRedis(target, 'worker'),
  };
  for (const name of ['request', 'worker'] as const) {
    redis[name].on('error', (err) => {
      metrics.redisError(name);
      log.warn({ err: String(err), connection: name }, 'redis connection error');
    });
  }
  await Promise.all([redis.request.ping(), redis.worker.ping()]);
  return redis;
}

/** What the API and the workers of one process share. */
interface SharedParts {
  /** The API's catalog (on the request connection). */
  catalog: ViewCatalog;
  /** The API's dead letters, metered. */
  deadLetters: DeadLetterStore;
  sagemaker: SageMakerSinkRuntime;
  lanes: BullPushLanes;
  kinesisQueue: KinesisBatches;
  historicalQueue: BullHistoricalQueue;
  /** Every queue (add new queues here): the dashboard and the queue-depth metrics show them. */
  queues(): readonly Queue[];
}

/** Builds the shared parts: the API's catalog and dead letters, the SageMaker sink, the queues. */
function sharedParts(options: {
  config: Config;
  keys: KeyLayout;
  redis: Connections;
  metrics: EddyMetrics;
  log: Logger;
  worker: boolean;
}): SharedParts {
  const { config, keys, redis, metrics, log } = options;
  const catalog = viewCatalog(redisViewRegistry(redis.request, keys), { latestTtlMs: config.viewCacheMs });
  const sagemaker = composeSageMakerSink({
    config,
    keys,
    requestRedis: redis.request,
    workerRedis: redis.worker,
    catalog,
    log,
    worker: options.worker,
    metrics,
  });
  const deadLetters = meteredDeadLetters(
    redisDeadLetters(redis.request, keys, config.deadLetterMax),
    metrics,
  );
  const lanes = pushLanes(redis.worker, config.keyPrefix, config.pushLanes, redis.worker.replicaAck);
  const kinesisQueue = kinesisBatches(redis.worker, config.keyPrefix);
  const historical = historicalQueue(redis.worker, config.keyPrefix);
  const queues = () => [...lanes.queues(), sagemaker.queue, kinesisQueue.queue(), historical.queue];
  return { catalog, deadLetters, sagemaker, lanes, kinesisQueue, historicalQueue: historical, queues };
}

/** The API's dependencies, all on the request connection, with its Redis readiness probe. */
function apiDeps(options: {
  config: Config;
  keys: KeyLayout;
  redis: Connections;
  metrics: EddyMetrics;
  shared: SharedParts;
}): AppDeps {
  const { config, keys, redis, metrics, shared } = options;
  const deps: AppDeps = {
    config,
    rateLimitStore: leasedRateLimitStore(redis.request, `${config.keyPrefix}:rate-limit:`),
    catalog: shared.catalog,
    entities: redisEntityStore(redis.request, keys),
    snapshots: redisEntitySnapshots(redis.request, keys, { maxBytes: config.stateCacheBytes }),
    counters: meteredCounters(redisViewCounters(redis.request, keys), metrics),
    deadLetters: shared.deadLetters,
    lanes: shared.lanes,
    deliveries: redisDeliveries(redis.request, keys),
    kinesisStatus: {
      store: redisShardStore(redis.request, keys),
      leases: redisShardLeases(redis.request, keys),
    },
    metrics,
    readiness: createReadiness(),
    queues: shared.queues,
    sagemaker: shared.sagemaker.api,
    featureGroups: featureGroupIndex(shared.catalog, { ttlMs: config.viewCacheMs }),
    historical: {
      ...historicalStores(config, redis.request),
      catalog: shared.catalog,
      queue: shared.historicalQueue,
      limits: { maxBytes: config.historical.uploadMaxBytes, maxLineBytes: 1024 * 1024 },
    },
  };
  deps.readiness.register('redis', () => probeRedis(redis.request));
  return deps;
}

/** The composition root's shutdown steps: the queues, then the connections (workers add theirs before). */
function addDisconnectSteps(
  shutdown: Shutdown,
  parts: { depths: QueueDepths; shared: SharedParts; redis: Connections },
): void {
  const { depths, shared, redis } = parts;
  shutdown.add('disconnect', 'queue-depth reader', () => depths.close());
  shutdown.add('disconnect', 'queues', () => shared.lanes.close());
  shutdown.add('disconnect', 'sagemaker sink queue', () => shared.sagemaker.closeQueue());
  shutdown.add('disconnect', 'kinesis batch queue', () => shared.kinesisQueue.close());
  shutdown.add('disconnect', 'historical-features queue', () => shared.historicalQueue.close());
  shutdown.add('disconnect', 'redis connections', () => {
    redis.request.disconnect();
    redis.worker.disconnect();
  });
}

/**
 * The worker role's ports, on the worker connection: its own catalog, the write-through entity cache, metered
 * counters and dead letters, shared by every batch path.
 */
function workerPorts(options: {
  config: Config;
  keys: KeyLayout;
  redis: Connections;
  metrics: EddyMetrics;
  log: Logger;
  shared: SharedParts;
  readiness: Readiness;
  shutdown: Shutdown;
}): WorkerPorts {
  const { config, keys, redis, metrics, shared } = options;
  return {
    config,
    log: options.log,
    metrics,
    keys,
    connection: redis.worker,
    apply: {
      catalog: viewCatalog(redisViewRegistry(redis.worker, keys), { latestTtlMs: config.viewCacheMs }),
      entities: redisEntityStore(redis.worker, keys, { cacheBytes: config.stateCacheBytes }),
      counters: meteredCounters(redisViewCounters(redis.worker, keys), metrics),
      afterApply: shared.sagemaker.afterApply,
      deadLetters: meteredDeadLetters(redisDeadLetters(redis.worker, keys, config.deadLetterMax), metrics),
    },
    kinesisBatches: shared.kinesisQueue,
    sink: shared.sagemaker.worker!,
    historical: {
      ...historicalStores(config, redis.worker),
      catalog: viewCatalog(redisViewRegistry(redis.worker, keys), { latestTtlMs: config.viewCacheMs }),
      // Each entity is read once per job: no cache.
      snapshots: redisEntitySnapshots(redis.worker, keys, { maxBytes: 0 }),
      maxEvents: config.historical.maxEvents,
      maxRows: config.historical.maxRows,
    },
    readiness: options.readiness,
    shutdown: options.shutdown,
  };
}

/** The historical-features stores on one connection (uploads and jobs share the key prefix). */
function historicalStores(config: Config, redis: EddyRedis) {
  const keys = historicalKeys(config.keyPrefix);
  const { uploadTtlMs, resultTtlMs } = config.historical;
  return {
    uploads: redisHistoricalUploads(redis, keys, uploadTtlMs),
    jobs: redisHistoricalJobs(redis, keys, { resultTtlMs, jobTtlMs: Math.max(resultTtlMs, uploadTtlMs) }),
  };
}
