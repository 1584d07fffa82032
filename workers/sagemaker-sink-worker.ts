/**
 * Runs the SageMaker sink: a BullMQ Worker on the sink queue running `drain` jobs (up to `drains` views at once
 * in this process, each with its own bounded concurrency) and the periodic `sweep`. A sweep also runs at start,
 * so entities left pending by a process that died are written. `close()` aborts the drains: writes in flight stop,
 * their entities stay pending, and each drain hands its view to a new job for whichever process runs next.
 *
 * Failure paths: a drain job holds no records (its view's entities stay in the pending set until written or
 * dead-lettered), so a drain that fails for good only loses its arm, which expires; the sweep then arms the view
 * again. A stalled drain is never failed for stalling, only run again.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix } from '../src/adapters/queue/bull-prefix.js';
import {
  SAGEMAKER_SINK_QUEUE,
  SINK_DRAIN_JOB,
  SINK_SWEEP_JOB,
  type SinkDrainData,
} from '../src/adapters/queue/registry.js';
import type { SageMakerSinkQueue } from '../src/adapters/queue/sagemaker-sink-queue.js';
import { NEVER_FAIL_STALLED } from '../src/adapters/queue/stall-policy.js';
import { type DrainDeps, drainView } from '../src/services/sagemaker-sink/drain-view.js';
import { sweepSinks } from '../src/services/sagemaker-sink/sweep.js';
import type { ViewCatalog } from '../src/services/view-catalog.js';

export interface SageMakerSinkWorkerDeps extends DrainDeps {
  catalog: ViewCatalog;
  queue: SageMakerSinkQueue;
  /** A connection with `maxRetriesPerRequest: null`; BullMQ duplicates it for blocking reads. */
  connection: Redis;
  keyPrefix: string;
}

export interface SageMakerSinkWorker {
  running(): boolean;
  close(): Promise<void>;
}

export function startSageMakerSinkWorker(deps: SageMakerSinkWorkerDeps): SageMakerSinkWorker {
  const log = deps.log.child({ component: 'sagemaker-sink' });
  const shutdown = new AbortController();
  const drainDeps: DrainDeps = { ...deps, log };
  const sweep = () => sweepSinks({ catalog: deps.catalog, pending: deps.pending, queue: deps.queue });
  const worker = new Worker<SinkDrainData | Record<string, never>>(
    SAGEMAKER_SINK_QUEUE,
    async (job) => {
      if (job.name === SINK_SWEEP_JOB) return { armed: await sweep() };
      if (job.name !== SINK_DRAIN_JOB) throw new Error(`unknown sink job '${job.name}'`);
      const { view, arm } = job.data as SinkDrainData;
      return { result: await drainView(drainDeps, view, arm, shutdown.signal) };
    },
    {
      connection: deps.connection,
      prefix: bullPrefix(deps.connection, deps.keyPrefix, SAGEMAKER_SINK_QUEUE),
      concurrency: deps.settings.drains,
      // A drain that stalled runs again: it finds its arm, or another arm in place and exits.
      maxStalledCount: NEVER_FAIL_STALLED,
    },
  );
  worker.on('error', (err) => log.error({ err: String(err) }, 'sink worker error'));
  worker.on('failed', (job, err) =>
    log.warn({ job: job?.id, attempts: job?.attemptsMade, err: String(err) }, 'sink job failed'),
  );
  void (async () => {
    try {
      await deps.queue.scheduleSweep(deps.settings.sweepMs);
      await sweep();
    } catch (err) {
      log.warn({ err: String(err) }, 'initial sink sweep failed; the scheduled sweep will retry');
    }
  })();
  let closed = false;
  return {
    running: () => !closed && worker.isRunning(),
    async close() {
      closed = true;
      shutdown.abort();
      await worker.close();
      deps.writer.close();
    },
  };
}
