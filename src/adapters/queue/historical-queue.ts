import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { HistoricalQueue } from '../../ports/historical.js';
import { bullPrefix } from './bull-prefix.js';
import {
  HISTORICAL_JOB,
  HISTORICAL_QUEUE,
  type HistoricalJobData,
  historicalQueueJobId,
} from './registry.js';

export interface BullHistoricalQueue extends HistoricalQueue {
  readonly queue: Queue;
  close(): Promise<void>;
}

/** The producer side of the historical-features queue (the job's state lives in its own hash, not in BullMQ). */
export function historicalQueue(connection: Redis, keyPrefix: string): BullHistoricalQueue {
  const queue = new Queue<HistoricalJobData>(HISTORICAL_QUEUE, {
    connection,
    prefix: bullPrefix(connection, keyPrefix, HISTORICAL_QUEUE),
    defaultJobOptions: {
      removeOnComplete: { age: 86_400, count: 1000 },
      removeOnFail: { age: 7 * 86_400 },
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
    },
  });
  return {
    queue,
    async enqueue(id) {
      await queue.add(HISTORICAL_JOB, { id }, { jobId: historicalQueueJobId(id) });
    },
    async remove(id) {
      const job = await queue.getJob(historicalQueueJobId(id));
      if (job && ((await job.isWaiting()) || (await job.isDelayed()))) await job.remove().catch(() => {});
    },
    close: () => queue.close(),
  };
}
