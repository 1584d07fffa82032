/**
 * The typed registry of queues, job names and payloads (one place). Queue names contain no `:` (BullMQ).
 *
 * Push lanes: every view's pushed records are split by entity into `lanes` ordered queues
 * (`push-lane-<n>`). Each lane queue has a BullMQ *global concurrency* of 1, so its jobs run one at a time in
 * job-number order across every worker process; a crashed worker's job is returned to the head of the lane by
 * BullMQ's stalled-job recovery. The job number is the lane's sequence number (see core/entity-batch.ts).
 */

import type { KinesisBatch, KinesisBatchResult, ViewRef } from '../../ports/kinesis-batches.js';
import type { BatchResult } from '../../ports/push-lanes.js';
import type { KinesisWireRecords } from './kinesis-job-codec.js';
import type { PushWireEvents } from './push-job-codec.js';

export type { BatchResult, KinesisBatchResult, ViewRef };

export const pushLaneQueueName = (lane: number) => `push-lane-${lane}`;
export const PUSH_JOB = 'apply-push-batch';

export interface PushBatchData extends PushWireEvents {
  view: string;
  version: number;
  /** The push request this batch came from (for dead letters and logs). */
  requestId: string;
  /**
   * The pusher waits for this job's own result (`?wait=true`): the job is applied on its own, never together with
   * its neighbours in the lane (see workers/push-lane-worker.ts).
   */
  wait?: boolean;
}

/** A push-lane job as stored: its number (the sequence number of its records in the lane) and its data. */
export interface LaneJob {
  /** The BullMQ job number (a decimal integer string). */
  number: string;
  data: PushBatchData;
}

/**
 * Kinesis micro-batches: one GetRecords result is one job on `kinesis-batch`. The shard's reader waits for its job
 * to finish before the next GetRecords, so a shard has at most one batch in flight. The job id is deterministic
 * (stream, shard, first sequence number, a digest of the view versions it applies to, and the lease generation), so
 * a reader that re-reads the same records under the same lease finds its job instead of adding a second one.
 */
export const KINESIS_BATCH_QUEUE = 'kinesis-batch';
export const KINESIS_JOB = 'apply-kinesis-batch';

/** A Kinesis batch job's data: the batch (ports/kinesis-batches.ts) with its records in the job's encoding. */
export interface KinesisBatchData extends Omit<KinesisBatch, 'records'> {
  /** The GetRecords result's records (kinesis-job-codec.ts). */
  records: KinesisWireRecords;
}

/** Deterministic job id without ':' (BullMQ); per lease generation, so a new holder never waits on a fenced job. */
export const kinesisBatchJobId = (
  stream: string,
  shardId: string,
  firstSeq: string,
  viewsDigest: string,
  lease: number,
) => `k-${stream}-${shardId}-${firstSeq}-${viewsDigest}-g${lease}`;

/**
 * The SageMaker sink: one queue. `drain` jobs write a view's pending entities (one armed drain per view; the job
 * id carries the arm id, so a drain is enqueued once); `sweep` jobs (a job scheduler) re-arm views whose drain
 * was lost.
 */
export const SAGEMAKER_SINK_QUEUE = 'sagemaker-sink';
export const SINK_DRAIN_JOB = 'drain';
export const SINK_SWEEP_JOB = 'sweep';
export const SINK_SWEEP_SCHEDULER = 'sagemaker-sink-sweep';

export interface SinkDrainData {
  view: string;
  /** The arm this drain holds (see services/sagemaker-sink/drain-view.ts). */
  arm: number;
}

export const sinkDrainJobId = (view: string, arm: number) => `sm-drain-${view}-${arm}`;

/**
 * Historical-features jobs: one queue; one job per request, its id the job id (`hist-<uuid>`). A job that stalled
 * (its worker died) runs again from the start; a run that fails for a reason other than its input is retried.
 */
export const HISTORICAL_QUEUE = 'historical-features';
export const HISTORICAL_JOB = 'compute-training-set';

export interface HistoricalJobData {
  id: string;
}

export const historicalQueueJobId = (id: string) => `hist-${id}`;
