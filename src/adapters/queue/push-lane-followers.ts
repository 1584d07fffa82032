/**
 * The jobs waiting right behind a lane's active job, for applying them together (services/apply-push-batch.ts).
 * A lane queue runs one job at a time (global concurrency 1) in FIFO order, so while job N is active the oldest
 * waiting jobs are exactly the ones that would run next. Jobs applied with the head are then removed from the
 * lane: their records are in the counted batch, and nobody waits for their own results.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix } from './bull-prefix.js';
import { pushEventCount } from './push-job-codec.js';
import { type BatchResult, type LaneJob, type PushBatchData, pushLaneQueueName } from './registry.js';

export interface LaneFollowers {
  /**
   * Jobs waiting behind `head` in its lane that can be applied with it: consecutive, for the same view version,
   * none waited for by its pusher nor queued once per id (PushBatch.onceId), at most `maxEvents` events with the head's. Empty when the head itself is
   * waited for.
   */
  after(lane: number, head: LaneJob, maxEvents: number): Promise<LaneJob[]>;
  /**
   * Removes jobs that were applied and counted with the head (so they are not fetched and decoded again). Call
   * only after the batch was counted; jobs left behind by a crash in between are harmless (they find themselves
   * applied).
   */
  remove(lane: number, jobs: readonly LaneJob[]): Promise<void>;
  close(): Promise<void>;
}

/** Waiting jobs read per look (each is one push request's share of the lane). */
const LOOK_AHEAD = 16;

/**
 * The lane queues here only read, through a connection of their own (a duplicate of `connection`); closing
 * disconnects it. (Queue.close() can wait forever for a connection that went through a Redis restart, which kept
 * the process alive after its shutdown.)
 */
export function laneFollowers(connection: Redis, keyPrefix: string, lanes: number): LaneFollowers {
  const own = connection.duplicate();
  own.on('error', () => {}); // the workers' connection reports the same outages
  const queues = Array.from(
    { length: lanes },
    (_, lane) =>
      new Queue<PushBatchData, BatchResult>(pushLaneQueueName(lane), {
        connection: own,
        prefix: bullPrefix(connection, keyPrefix, pushLaneQueueName(lane)),
      }),
  );
  return {
    async after(lane, head, maxEvents) {
      if (head.data.wait) return [];
      const queue = queues[lane]!;
      // Ids first, then each job's data only while it fits: a long backlog is not read (and decoded) in vain.
      const ids = (await queue.getRanges(['waiting'], 0, LOOK_AHEAD - 1, true)).sort(
        (a, b) => Number(a) - Number(b),
      );
      const out: LaneJob[] = [];
      let events = pushEventCount(head.data);
      let last = Number(head.number);
      for (const id of ids) {
        if (Number(id) <= last) continue; // not behind the head (cannot happen in a FIFO lane)
        const job = await queue.getJob(id);
        if (!job) break; // taken meanwhile: stop at the gap
        const { data } = job;
        // A job queued once per id (a delivery) keeps its deduplication key only if it is never removed.
        if (job.deduplicationId !== undefined) break;
        if (data.wait || data.view !== head.data.view || data.version !== head.data.version) break;
        events += pushEventCount(data);
        if (events > maxEvents) break;
        out.push({ number: id, data });
        last = Number(id);
      }
      return out;
    },
    async remove(lane, jobs) {
      await Promise.all(jobs.map((j) => queues[lane]!.remove(j.number)));
    },
    async close() {
      own.disconnect();
    },
  };
}
