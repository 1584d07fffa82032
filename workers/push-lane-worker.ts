/**
 * Runs the push lanes: one BullMQ Worker per lane queue, concurrency 1 (the queue's global concurrency is 1
 * too, so a lane's jobs run one at a time, in order, across every process).
 *
 * Failure policy: transient (connection) errors are retried *inside* the job until they pass, so a later batch
 * never overtakes an earlier one; if the process dies meanwhile, BullMQ's stalled-job recovery puts the job back
 * at the head of its lane, however many times that happens (queue/stall-policy.ts). Any other error means the
 * batch cannot be applied: its records go to the dead-letter store with the reason, and the lane moves on. Either
 * way the job's events are then dropped from it (queue/drop-applied-records.ts): a completed job is kept for its
 * result, not its records. The processor never throws but to stop; a job that fails anyway is dead-lettered.
 */
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { bullPrefix } from '../src/adapters/queue/bull-prefix.js';
import { dropAppliedRecords } from '../src/adapters/queue/drop-applied-records.js';
import { type LaneEpochs, laneEpochs } from '../src/adapters/queue/lane-epoch.js';
import { laneJobReplicated } from '../src/adapters/queue/lane-job-replicated.js';
import { decodePushEvents, pushEventCount, withoutEvents } from '../src/adapters/queue/push-job-codec.js';
import { type LaneFollowers, laneFollowers } from '../src/adapters/queue/push-lane-followers.js';
import {
  type BatchResult,
  type LaneJob,
  type PushBatchData,
  pushLaneQueueName,
} from '../src/adapters/queue/registry.js';
import { NEVER_FAIL_STALLED } from '../src/adapters/queue/stall-policy.js';
import { NO_REPLICA_ACK, type ReplicaAck } from '../src/adapters/redis/replica-ack.js';
import type { DeadLetterStore } from '../src/ports/dead-letters.js';
import type { IngestMetrics } from '../src/ports/metrics.js';
import type { PushJob } from '../src/ports/push-lanes.js';
import { applyPushBatch, applyPushBatches, pushSource } from '../src/services/apply-push-batch.js';
import type { ApplyDeps } from '../src/services/apply-source-batch.js';
import { isConnectionError, retryInPlace } from '../src/services/retry-in-place.js';
import type { ViewCatalog } from '../src/services/view-catalog.js';
import { deadLetterBatch } from './push-lane-dead-letters.js';

export interface PushLaneWorkers {
  running(): boolean;
  close(): Promise<void>;
}

export interface PushLaneWorkerDeps extends ApplyDeps {
  catalog: ViewCatalog;
  deadLetters: DeadLetterStore;
  /** A connection with `maxRetriesPerRequest: null`; BullMQ duplicates it for blocking reads. */
  connection: Redis;
  keyPrefix: string;
  lanes: number;
  /** Replicas that must hold a lane job before it is applied (lane-job-replicated.ts); none by default. */
  replicaAck?: ReplicaAck;
  log: Logger;
  /** Observes each batch's apply time (including in-job retries). */
  metrics?: IngestMetrics;
}

/** Events applied together at most when jobs waiting behind a lane's head are applied with it. */
const MAX_COALESCED_EVENTS = 50_000;

/** BullMQ's default lock duration, named: the replica check extends the lock by it. */
const LOCK_MS = 30_000;

/** What every lane worker shares: one job at a time, and a stalled job is never failed, only run again. */
export const PUSH_LANE_WORKER_OPTIONS = { concurrency: 1, maxStalledCount: NEVER_FAIL_STALLED } as const;

export function startPushLaneWorkers(deps: PushLaneWorkerDeps): PushLaneWorkers {
  const log = deps.log.child({ component: 'push-lanes' });
  const followers = laneFollowers(deps.connection, deps.keyPrefix, deps.lanes);
  const context: LaneContext = {
    deps,
    log,
    retry: retryTransient(log),
    followers,
    epochs: laneEpochs(deps.connection, deps.keyPrefix),
  };
  const workers = Array.from({ length: deps.lanes }, (_, lane) => startLaneWorker(context, lane));
  let closed = false;
  return {
    running: () => !closed && workers.every((w) => w.isRunning()),
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.close()));
      await followers.close();
    },
  };
}

/** Retries `op` in place while it fails with a transient error, logging each retry of `what`. */
type Retry = <T>(op: () => Promise<T>, what: string, lane: number, jobId: string) => Promise<T>;

/** What the lane workers of one process share. */
interface LaneContext {
  deps: PushLaneWorkerDeps;
  log: Logger;
  retry: Retry;
  followers: LaneFollowers;
  epochs: LaneEpochs;
}

/** Retries transient (connection) errors in place: a batch job must not fail because Redis blinked. */
function retryTransient(log: Logger): Retry {
  return (op, what, lane, jobId) =>
    retryInPlace(op, {
      baseMs: 100,
      maxMs: 5000,
      isTransient: isConnectionError,
      onRetry: (err, attempt) =>
        log.warn({ lane, job: jobId, attempt, err: String(err) }, `retrying ${what}`),
    });
}

/** One lane's BullMQ Worker: each job applied (or dead-lettered), timed, then its events dropped. */
function startLaneWorker(context: LaneContext, lane: number): Worker<PushBatchData, BatchResult> {
  const { deps, log } = context;
  const worker = new Worker<PushBatchData, BatchResult>(
    pushLaneQueueName(lane),
    async (job, token) => {
      const started = performance.now();
      const held = await context.retry(
        () => laneJobReplicated(deps.connection, deps.replicaAck ?? NO_REPLICA_ACK, job, token!, LOCK_MS),
        'replica check',
        lane,
        job.id!,
      );
      // Gone from this worker (lost with a failed master, or stalled and taken by another): not applied here.
      if (!held) return { accepted: 0, late: 0, duplicate: 0, failed: 0 };
      const result = await applyOrDeadLetter(context, lane, job.id!, job.data).finally(() =>
        deps.metrics?.observeBatchApply('push', (performance.now() - started) / 1000),
      );
      await dropAppliedRecords(job, withoutEvents(job.data), log);
      return result;
    },
    {
      connection: deps.connection,
      prefix: bullPrefix(deps.connection, deps.keyPrefix, pushLaneQueueName(lane)),
      ...PUSH_LANE_WORKER_OPTIONS,
      lockDuration: LOCK_MS,
    },
  );
  worker.on('error', (err) => log.error({ lane, err: String(err) }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (job) deadLetterFailedJob(context, lane, job, err);
  });
  return worker;
}

/** The job applied (with the jobs behind it when the lane is behind), or its records dead-lettered. */
async function applyOrDeadLetter(
  context: LaneContext,
  lane: number,
  jobId: string,
  data: PushBatchData,
): Promise<BatchResult> {
  const { deps, log, retry, epochs } = context;
  try {
    const source = pushSource(lane, await retry(() => epochs.current(lane), 'lane epoch', lane, jobId));
    const coalesced = await applyWithFollowers(context, lane, source, { number: jobId, data });
    if (coalesced) return coalesced;
    const job = pushJob({ number: jobId, data });
    return await retry(() => applyPushBatch(deps, source, job), 'batch', lane, jobId);
  } catch (err) {
    log.error({ lane, job: jobId, err }, 'batch could not be applied; records go to the dead-letter store');
    return retry(() => deadLetterBatch(deps, jobId, data, err), 'dead-lettering', lane, jobId);
  }
}

/**
 * When jobs of the same view wait behind the head (the lane is behind), applies them with it in one batch
 * (services/apply-push-batch.ts), removes the jobs behind from the lane, and returns the head's result (the
 * whole batch's counts). Returns null when there is nothing to apply together, or when the
 * batch fails for any reason: the head is then applied alone, with the usual failure policy.
 */
async function applyWithFollowers(
  { deps, log, followers }: LaneContext,
  lane: number,
  source: string,
  head: LaneJob,
): Promise<BatchResult | null> {
  try {
    const behind = await followers.after(lane, head, MAX_COALESCED_EVENTS);
    if (behind.length === 0) return null;
    const result = await applyPushBatches(deps, source, [head, ...behind].map(pushJob));
    await followers.remove(lane, behind).catch((err) => {
      log.warn({ lane, err: String(err) }, 'could not remove jobs applied with their head; they will no-op');
    });
    return result;
  } catch (err) {
    log.warn({ lane, job: head.number, err: String(err) }, 'applying jobs together failed; applying one');
    return null;
  }
}

/**
 * Last resort: a job BullMQ failed after all (its records are still in it) ends in the dead-letter store.
 * BullMQ emits `failed` only once the job is in its failed set, so no worker is applying it.
 */
function deadLetterFailedJob(
  { deps, log, retry }: LaneContext,
  lane: number,
  job: Job<PushBatchData, BatchResult>,
  err: Error,
): void {
  if (!hasEvents(job.data)) return;
  log.error({ lane, job: job.id, err: String(err) }, 'batch job failed; records go to the dead-letter store');
  retry(() => deadLetterBatch(deps, job.id!, job.data, err), 'dead-lettering', lane, job.id!)
    .then(() => dropAppliedRecords(job, withoutEvents(job.data), log))
    .catch((deadLetterErr) =>
      log.error({ lane, job: job.id, err: String(deadLetterErr) }, 'could not dead-letter a failed job'),
    );
}

/** A stored lane job as the apply step takes it: its events decoded (throws when they are damaged). */
function pushJob({ number, data }: LaneJob): PushJob {
  return { number, view: data.view, version: data.version, events: decodePushEvents(data) };
}

/** False for a job whose events were already applied or dead-lettered (released); true when unsure. */
function hasEvents(data: PushBatchData): boolean {
  try {
    return pushEventCount(data) > 0;
  } catch {
    return true;
  }
}
