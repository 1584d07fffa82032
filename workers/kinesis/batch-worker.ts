/**
 * Runs `kinesis-batch` jobs: one GetRecords result of one shard, applied to every view version it names
 * (services/apply-kinesis-batch.ts). Jobs of different shards run in parallel; one shard never has two in flight
 * (its reader waits for each job).
 *
 * Failure policy (as for push lanes): transient Redis errors are retried inside the job, so a job never fails
 * because Redis blinked; if the process dies, BullMQ's stalled-job recovery runs the job again on a live worker
 * (lock and stall check follow the lease TTL, so a crash is recovered about as fast as a lease moves). A
 * view version that cannot apply the batch for another reason gets the records dead-lettered; the shard moves on.
 * A batch that cannot be applied at all (its payload cannot be decoded) is dead-lettered whole, at its first run:
 * the processor throws only while the worker stops, and BullMQ never fails a job for stalling.
 * Once applied, the job's records are dropped from it (queue/drop-applied-records.ts): the completed job is kept for
 * its result and id, not its 330 KB of records.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { dropAppliedRecords } from '../../src/adapters/queue/drop-applied-records.js';
import { decodeWireRecords, withoutRecords } from '../../src/adapters/queue/kinesis-job-codec.js';
import {
  KINESIS_BATCH_QUEUE,
  type KinesisBatchData,
  type KinesisBatchResult,
} from '../../src/adapters/queue/registry.js';
import { NEVER_FAIL_STALLED } from '../../src/adapters/queue/stall-policy.js';
import type { KinesisBatch } from '../../src/ports/kinesis-batches.js';
import { applyKinesisBatch, type KinesisApplyDeps } from '../../src/services/apply-kinesis-batch.js';
import { isConnectionError, retryInPlace } from '../../src/services/retry-in-place.js';
import { deadLetterKinesisBatch } from './dead-letter-batch.js';
import type { KinesisMetrics } from './kinesis-metrics.js';

export interface KinesisBatchWorkerDeps extends Omit<KinesisApplyDeps, 'retry'> {
  /** A connection with `maxRetriesPerRequest: null`; BullMQ duplicates it for blocking reads. */
  connection: Redis;
  keyPrefix: string;
  /** Job lock duration; stalled jobs are looked for every half of it. */
  lockMs: number;
  concurrency: number;
  log: Logger;
  metrics?: Pick<KinesisMetrics, 'observeBatchApply'>;
}

export interface KinesisBatchWorker {
  running(): boolean;
  close(): Promise<void>;
}

export function startKinesisBatchWorker(deps: KinesisBatchWorkerDeps): KinesisBatchWorker {
  const log = deps.log.child({ component: 'kinesis-batch' });
  const abort = new AbortController();
  const retry = <T>(op: () => Promise<T>) =>
    retryInPlace(op, {
      baseMs: 100,
      maxMs: 5000,
      isTransient: isConnectionError,
      signal: abort.signal,
      onRetry: (err, attempt) => log.warn({ attempt, err: String(err) }, 'retrying batch'),
    });
  const worker = new Worker<KinesisBatchData, KinesisBatchResult>(
    KINESIS_BATCH_QUEUE,
    async (job) => {
      const started = performance.now();
      const apply = async () =>
        applyKinesisBatch({ ...deps, retry }, kinesisBatch(job.data), (view, err) =>
          log.error(
            { stream: job.data.stream, shardId: job.data.shardId, view, err },
            'view version could not apply the batch; its records go to the dead-letter store',
          ),
        );
      const result = await apply().catch((err) => {
        // Stopping: the job stalls and runs again on a live worker. Otherwise the batch can never be applied
        // (a failed job would only be queued again by its reader, forever): keep its records and move on.
        if (abort.signal.aborted) throw err;
        log.error(
          { stream: job.data.stream, shardId: job.data.shardId, err },
          'batch could not be applied; its records go to the dead-letter store',
        );
        return retry(() => deadLetterKinesisBatch(deps, job.data, err));
      });
      deps.metrics?.observeBatchApply('kinesis', (performance.now() - started) / 1000);
      log.debug(
        {
          stream: job.data.stream,
          shardId: job.data.shardId,
          records: job.data.records.sizes.length,
          ...result,
        },
        'batch applied',
      );
      await dropAppliedRecords(job, withoutRecords(job.data), log);
      return result;
    },
    {
      connection: deps.connection,
      prefix: bullPrefix(deps.connection, deps.keyPrefix, KINESIS_BATCH_QUEUE),
      concurrency: deps.concurrency,
      lockDuration: deps.lockMs,
      stalledInterval: Math.max(500, Math.floor(deps.lockMs / 2)),
      maxStalledCount: NEVER_FAIL_STALLED,
    },
  );
  worker.on('error', (err) => log.error({ err: String(err) }, 'worker error'));
  let closed = false;
  return {
    running: () => !closed && worker.isRunning(),
    async close() {
      closed = true;
      abort.abort();
      await worker.close();
    },
  };
}

/** A stored job as the apply step takes it: its records decoded (throws when the payload is damaged). */
function kinesisBatch(data: KinesisBatchData): KinesisBatch {
  return { ...data, records: decodeWireRecords(data.records) };
}
