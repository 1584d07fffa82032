/**
 * The producer side of the `kinesis-batch` queue, used by shard readers. `run` adds a batch job (or finds the
 * one with the same deterministic id) and waits for it by polling its state: no QueueEvents connection per
 * process, and nothing to miss if an event is dropped. A job that failed or vanished (a worker gave up, retention
 * removed it) is added again: applying a batch twice has no effect (core/entity-batch.ts), so re-running is
 * always safe.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix } from './bull-prefix.js';
import {
  KINESIS_BATCH_QUEUE,
  KINESIS_JOB,
  type KinesisBatchData,
  type KinesisBatchResult,
} from './registry.js';

export interface KinesisBatches {
  /** Resolves with the job's result once it finished, or null when `cancelled()` turned true first. */
  run(jobId: string, data: KinesisBatchData, cancelled: () => boolean): Promise<KinesisBatchResult | null>;
  /** Resolves once the job is no longer waiting or running (or `cancelled()`); true when it is. */
  settled(jobId: string, cancelled: () => boolean): Promise<boolean>;
  queue(): Queue;
  close(): Promise<void>;
}

const PENDING = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function kinesisBatches(connection: Redis, keyPrefix: string): KinesisBatches {
  const queue = new Queue<KinesisBatchData, KinesisBatchResult>(KINESIS_BATCH_QUEUE, {
    connection,
    prefix: bullPrefix(connection, keyPrefix, KINESIS_BATCH_QUEUE),
    defaultJobOptions: {
      // Kept a while so a reader that re-reads the same batch finds it finished; the reader never re-reads a
      // batch with the same id and view versions once it finished (it moves past its end).
      removeOnComplete: { age: 600, count: 5000 },
      removeOnFail: true,
      attempts: 1,
    },
  });

  async function add(jobId: string, data: KinesisBatchData) {
    await queue.add(KINESIS_JOB, data, { jobId });
  }

  return {
    async run(jobId, data, cancelled) {
      await add(jobId, data);
      let pause = 5;
      for (;;) {
        if (cancelled()) return null;
        const state = await queue.getJobState(jobId);
        if (state === 'completed') {
          const raw = await connection.hget(queue.toKey(jobId), 'returnvalue');
          if (raw) return JSON.parse(raw) as KinesisBatchResult;
          await add(jobId, data); // removed between the two calls
        } else if (state === 'failed') {
          await queue.remove(jobId);
          await add(jobId, data);
        } else if (!PENDING.has(state)) {
          await add(jobId, data);
        }
        await sleep(pause);
        // The shard's next GetRecords waits for this: poll often (one cheap call per shard every 25 ms at most).
        pause = Math.min(25, pause * 2);
      }
    },
    async settled(jobId, cancelled) {
      for (;;) {
        if (cancelled()) return false;
        if (!PENDING.has(await queue.getJobState(jobId))) return true;
        await sleep(100);
      }
    },
    queue: () => queue,
    close: () => queue.close(),
  };
}
