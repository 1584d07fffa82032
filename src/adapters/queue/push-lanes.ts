import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  PUSH_ONCE_WINDOW_MS,
  type PushBatch,
  type PushLanes,
  type QueuedBatch,
} from '../../ports/push-lanes.js';
import { masterAddress, NO_REPLICA_ACK, type ReplicaAck, waitForReplicas } from '../redis/replica-ack.js';
import { bullPrefix } from './bull-prefix.js';
import { encodePushEvents } from './push-job-codec.js';
import { type BatchResult, PUSH_JOB, type PushBatchData, pushLaneQueueName } from './registry.js';

/** The push lanes in BullMQ, with their queues (for the queue dashboard and metrics). */
export interface BullPushLanes extends PushLanes {
  queues(): readonly Queue[];
}

type LaneJob = Job<PushBatchData, BatchResult>;
/** A queued batch is its BullMQ job (handed out as a QueuedBatch, taken back by waitFor). */
const queued = (lane: number, job: LaneJob): QueuedBatch => Object.assign(job, { lane });

/**
 * The producer side of the push lanes. `connection` is shared by the queues (non-blocking commands);
 * QueueEvents (for `?wait=true`) are created on first use, since each holds a blocking connection.
 */
export function pushLanes(
  connection: Redis,
  keyPrefix: string,
  count: number,
  ack: ReplicaAck = NO_REPLICA_ACK,
): BullPushLanes {
  const queues = Array.from(
    { length: count },
    (_, lane) =>
      new Queue<PushBatchData, BatchResult>(pushLaneQueueName(lane), {
        connection,
        prefix: bullPrefix(connection, keyPrefix, pushLaneQueueName(lane)),
        defaultJobOptions: {
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 7 * 86_400 },
        },
      }),
  );
  let events: QueueEvents[] | null = null;
  const eventConnections: Redis[] = [];
  const eventsFor = (queueName: string) => {
    events ??= queues.map((q) => {
      const own = connection.duplicate();
      eventConnections.push(own);
      return new QueueEvents(q.name, { connection: own, prefix: q.opts.prefix! });
    });
    return events.find((e) => e.name === queueName)!;
  };
  // Each lane's global concurrency set to 1 once, before the first enqueue; asked again after a failure (a
  // connection lost at start), and never left pending unobserved by a process that closes before any push.
  let ready: Promise<unknown> | null = null;
  const lanesReady = () =>
    (ready ??= Promise.all(queues.map((q) => q.setGlobalConcurrency(1))).catch((err) => {
      ready = null;
      throw err;
    }));

  return {
    count,
    async enqueue(batches) {
      await lanesReady();
      // Lanes are independent queues (each orders its own jobs), so the jobs are added concurrently. Each add
      // is preceded, on the same connection, by the lane's global concurrency of 1 unless set: a lane queue
      // obliterated meanwhile lost it, and its jobs must never run two at a time.
      return Promise.all(
        [...batches]
          .sort(([a], [b]) => a - b)
          .map(([lane, batch]) => {
            const queue = queues[lane]!;
            const master = masterAddress(connection, queue.keys.meta!);
            const concurrency = connection.hsetnx(queue.keys.meta!, 'concurrency', 1);
            const added = queue.add(
              PUSH_JOB,
              jobData(batch),
              // BullMQ sets the deduplication key in the same script that adds the job: queued once, atomically.
              batch.onceId === undefined
                ? undefined
                : { deduplication: { id: `${batch.onceId}-${lane}`, ttl: PUSH_ONCE_WINDOW_MS } },
            );
            return Promise.all([concurrency, added]).then(async ([, job]) => {
              // Accepted means queued on a replica too, when replicas are asked for (replica-ack.ts).
              await waitForReplicas(connection, ack, queue.keys.meta!, master);
              return queued(lane, job);
            });
          }),
      );
    },
    async waitFor(batches, timeoutMs) {
      const jobs = batches as unknown as readonly LaneJob[];
      return Promise.all(jobs.map((job) => waitForJob(queues, job, eventsFor(job.queueName), timeoutMs)));
    },
    queues: () => queues,
    async depth() {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed')));
      return counts.reduce((sum, c) => sum + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0), 0);
    },
    async close() {
      await Promise.all([...(events ?? []).map((e) => e.close()), ...queues.map((q) => q.close())]);
      for (const c of eventConnections) c.disconnect();
    },
  };
}

function jobData(batch: PushBatch): PushBatchData {
  const data: PushBatchData = {
    view: batch.view,
    version: batch.version,
    requestId: batch.requestId,
    columns: encodePushEvents(batch.events, batch.fields),
  };
  if (batch.wait) data.wait = true;
  return data;
}

/**
 * Waits for a job through QueueEvents, and also polls its state: a QueueEvents stream reader that has just
 * started can miss a completion that happens while it connects (the event is published before its first XREAD).
 */
async function waitForJob(
  queues: readonly Queue<PushBatchData, BatchResult>[],
  job: Job<PushBatchData, BatchResult>,
  events: QueueEvents,
  timeoutMs: number,
): Promise<BatchResult> {
  const deadline = Date.now() + timeoutMs;
  const queue = queues.find((q) => q.name === job.queueName)!;
  const viaEvents = job.waitUntilFinished(events, timeoutMs);
  viaEvents.catch(() => {});
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const settled = await Promise.race([
      viaEvents.then((value) => ({ value })),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), delay)),
    ]);
    if (settled) return settled.value;
    const current = await queue.getJob(job.id!);
    if (current?.finishedOn) {
      if (current.failedReason) throw new Error(current.failedReason);
      return current.returnvalue;
    }
    if (Date.now() > deadline) throw new Error(`job ${job.id} timed out before finishing`);
  }
}
