/**
 * Composition root: builds every adapter and service from the config and a Redis URL. No module-level state.
 */
import type { Logger } from 'pino';
import { type PushLaneWorkers, startPushLaneWorkers } from '../workers/push-lane-worker.js';
import { pushLanes } from './adapters/queue/push-lanes.js';
import { connectRedis } from './adapters/redis/connect.js';
import { keyLayout } from './adapters/redis/keys.js';
import { redisDeadLetters } from './adapters/redis/redis-dead-letters.js';
import { redisEntityStore } from './adapters/redis/redis-entity-store.js';
import { redisViewCounters } from './adapters/redis/redis-view-counters.js';
import { redisViewRegistry } from './adapters/redis/redis-view-registry.js';
import type { Config } from './config.js';
import type { AppDeps } from './http/app.js';
import { viewCatalog } from './services/view-catalog.js';

export interface Runtime {
  deps: AppDeps;
  workers: PushLaneWorkers | null;
  close(): Promise<void>;
}

export async function compose(
  config: Config,
  redisUrl: string,
  log: Logger,
  roles: { api: boolean; worker: boolean },
): Promise<Runtime> {
  const keys = keyLayout(config.keyPrefix);
  const requestRedis = connectRedis(redisUrl, 'request');
  const workerRedis = connectRedis(redisUrl, 'worker');
  for (const r of [requestRedis, workerRedis])
    r.on('error', (err) => log.warn({ err: String(err) }, 'redis connection error'));
  await Promise.all([requestRedis.ping(), workerRedis.ping()]);

  const catalog = viewCatalog(redisViewRegistry(requestRedis, keys), { latestTtlMs: config.viewCacheMs });
  const readEntities = redisEntityStore(requestRedis, keys);
  const counters = redisViewCounters(workerRedis, keys);
  const deadLetters = redisDeadLetters(requestRedis, keys, config.deadLetterMax);
  const lanes = pushLanes(workerRedis, config.keyPrefix, config.pushLanes);

  let workers: PushLaneWorkers | null = null;
  if (roles.worker) {
    workers = startPushLaneWorkers({
      catalog: viewCatalog(redisViewRegistry(workerRedis, keys), { latestTtlMs: config.viewCacheMs }),
      entities: redisEntityStore(workerRedis, keys),
      counters,
      deadLetters: redisDeadLetters(workerRedis, keys, config.deadLetterMax),
      connection: workerRedis,
      keyPrefix: config.keyPrefix,
      lanes: config.pushLanes,
      log,
    });
  }
  const deps: AppDeps = {
    config,
    redis: requestRedis,
    catalog,
    entities: readEntities,
    counters: redisViewCounters(requestRedis, keys),
    deadLetters,
    lanes,
    workersRunning: workers ? () => workers!.running() : undefined,
  };
  return {
    deps,
    workers,
    async close() {
      await workers?.close();
      await lanes.close();
      requestRedis.disconnect();
      workerRedis.disconnect();
    },
  };
}
