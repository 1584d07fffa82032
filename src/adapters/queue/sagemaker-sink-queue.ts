import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SinkDrainQueue } from '../../ports/sagemaker-sink-store.js';
import { bullPrefix } from './bull-prefix.js';
import {
  SAGEMAKER_SINK_QUEUE,
  SINK_DRAIN_JOB,
  SINK_SWEEP_JOB,
  SINK_SWEEP_SCHEDULER,
  type SinkDrainData,
  sinkDrainJobId,
} from './registry.js';

export interface SageMakerSinkQueue extends SinkDrainQueue {
  readonly queue: Queue;
  /** Upserts the sweep job scheduler (one per Redis, whatever the number of processes). */
  scheduleSweep(everyMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The producer side of the sink queue. A drain job that throws (Redis trouble) is retried by BullMQ with
 * backoff; one that fails for good leaves its arm to expire, and the sweep re-arms the view.
 */
export function sageMakerSinkQueue(connection: Redis, keyPrefix: string): SageMakerSinkQueue {
  const queue = new Queue<SinkDrainData | Record<string, never>>(SAGEMAKER_SINK_QUEUE, {
    connection,
    prefix: bullPrefix(connection, keyPrefix, SAGEMAKER_SINK_QUEUE),
    defaultJobOptions: {
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86_400 },
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
    },
  });
  return {
    queue,
    async enqueueDrain(view, arm, delayMs) {
      await queue.add(SINK_DRAIN_JOB, { view, arm }, { jobId: sinkDrainJobId(view, arm), delay: delayMs });
    },
    async scheduleSweep(everyMs) {
      await queue.upsertJobScheduler(
        SINK_SWEEP_SCHEDULER,
        { every: everyMs },
        { name: SINK_SWEEP_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
      );
    },
    close: () => queue.close(),
  };
}
