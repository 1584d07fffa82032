/**
 * Composition of the SageMaker Feature Store sink (docs/architecture.md#sagemaker-feature-store-sink), called by compose.ts: the `afterApply` hook
 * for the batch workers, the API's view of the sink, and (worker role) the sink worker and its SageMaker client.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { sageMakerSinkQueue } from './adapters/queue/sagemaker-sink-queue.js';
import type { KeyLayout } from './adapters/redis/keys.js';
import { redisEntityStore } from './adapters/redis/redis-entity-store.js';
import { redisSinkDeadLetters } from './adapters/redis/redis-sink-dead-letters.js';
import { redisSinkPending } from './adapters/redis/redis-sink-pending.js';
import { redisSinkStats } from './adapters/redis/redis-sink-stats.js';
import { redisViewRegistry } from './adapters/redis/redis-view-registry.js';
import type { EddyRedis } from './adapters/redis/scripts.js';
import { sageMakerFeatureStoreWriter } from './adapters/sagemaker/feature-store-writer.js';
import type { Config } from './config.js';
import type { ApplyDeps } from './services/apply-source-batch.js';
import { markSinkPending } from './services/sagemaker-sink/mark-pending.js';
import type { SageMakerSinkApi } from './services/sagemaker-sink/sink-api.js';
import { listSinkDeadLetters, replaySinkDeadLetters } from './services/sagemaker-sink/sink-dead-letters.js';
import { sinkLookup } from './services/sagemaker-sink/sink-lookup.js';
import { sageMakerSinkState } from './services/sagemaker-sink/sink-state.js';
import type { SinkWriteMetrics } from './services/sagemaker-sink/write-entity.js';
import { type ViewCatalog, viewCatalog } from './services/view-catalog.js';

/** An arm lasts this long unless its drain refreshes it (every ARM_REFRESH_MS). */
const ARM_TTL_MS = 60_000;
const ARM_REFRESH_MS = 10_000;
/** A drain job hands its view to a new job after this long, so views share the worker's drain slots. */
const DRAIN_SLICE_MS = 30_000;

export interface SageMakerSinkRuntime {
  /** The hook for every batch path's ApplyDeps. */
  afterApply: NonNullable<ApplyDeps['afterApply']>;
  api: SageMakerSinkApi;
  /** The sink's BullMQ queue (for dashboards and queue metrics). */
  queue: Queue;
  /** What the sink worker runs on (worker role only). */
  worker: SinkWorkerPorts | null;
  /** Closes the producer queue: after the worker and every batch path that may still enqueue drains. */
  closeQueue(): Promise<void>;
}

/** The sink worker's dependencies (workers/sagemaker-sink-worker.ts takes them as they are). */
export type SinkWorkerPorts = ReturnType<typeof sinkWorkerPorts>;

export function composeSageMakerSink(options: {
  config: Config;
  keys: KeyLayout;
  requestRedis: EddyRedis;
  workerRedis: EddyRedis;
  /** The API's catalog. */
  catalog: ViewCatalog;
  log: Logger;
  worker: boolean;
  metrics?: SinkWriteMetrics;
}): SageMakerSinkRuntime {
  const { config, keys, requestRedis, workerRedis } = options;
  const settings = config.sagemakerSink;
  const queue = sageMakerSinkQueue(workerRedis, config.keyPrefix);
  const dlqOptions = { maxEntries: config.deadLetterMax, armTtlMs: ARM_TTL_MS };

  const apiDeps = {
    catalog: options.catalog,
    pending: redisSinkPending(requestRedis, keys, ARM_TTL_MS),
    deadLetters: redisSinkDeadLetters(requestRedis, keys, dlqOptions),
    stats: redisSinkStats(requestRedis, keys),
    queue,
    sendTtl: settings.sendTtl,
  };
  const api: SageMakerSinkApi = {
    state: (view, version) => sageMakerSinkState(apiDeps, view, version),
    listDeadLetters: (view, limit, after) => listSinkDeadLetters(apiDeps, view, limit, after),
    replayDeadLetters: (view, request) => replaySinkDeadLetters(apiDeps, view, request),
  };

  // Workers decide "deleted" and "has a sink" from the registry itself (no cached latest version).
  const workerCatalog = viewCatalog(redisViewRegistry(workerRedis, keys), { latestTtlMs: 0 });
  const lookup = sinkLookup(workerCatalog);
  const pending = redisSinkPending(workerRedis, keys, ARM_TTL_MS);
  const afterApply = markSinkPending({ lookup, pending, queue, lingerMs: settings.lingerMs });

  const worker = options.worker
    ? sinkWorkerPorts({ ...options, catalog: workerCatalog, lookup, pending, queue, dlqOptions })
    : null;
  return {
    afterApply,
    api,
    queue: queue.queue,
    worker,
    closeQueue: () => queue.close(),
  };
}

function sinkWorkerPorts(o: {
  config: Config;
  keys: KeyLayout;
  workerRedis: EddyRedis;
  catalog: ViewCatalog;
  lookup: ReturnType<typeof sinkLookup>;
  pending: ReturnType<typeof redisSinkPending>;
  queue: ReturnType<typeof sageMakerSinkQueue>;
  dlqOptions: { maxEntries: number; armTtlMs: number };
  log: Logger;
  metrics?: SinkWriteMetrics;
}) {
  const settings = o.config.sagemakerSink;
  return {
    catalog: o.catalog,
    lookup: o.lookup,
    entities: redisEntityStore(o.workerRedis, o.keys),
    pending: o.pending,
    deadLetters: redisSinkDeadLetters(o.workerRedis, o.keys, o.dlqOptions),
    stats: redisSinkStats(o.workerRedis, o.keys),
    writer: sageMakerFeatureStoreWriter({
      endpoint: o.config.sagemakerEndpoint,
      region: o.config.awsRegion,
      timeoutMs: settings.requestTimeoutMs,
      maxSockets: settings.concurrency * settings.drains,
    }),
    settings,
    queue: o.queue,
    sliceMs: DRAIN_SLICE_MS,
    refreshMs: ARM_REFRESH_MS,
    connection: o.workerRedis,
    keyPrefix: o.config.keyPrefix,
    log: o.log,
    ...(o.metrics && { metrics: o.metrics }),
  };
}
