/**
 * The typed registry of queues, job names and payloads (one place). Queue names contain no `:` (BullMQ).
 *
 * Push lanes: every view's pushed records are split by entity into `lanes` ordered queues
 * (`push-lane-<n>`). Each lane queue has a BullMQ *global concurrency* of 1, so its jobs run one at a time in
 * job-number order across every worker process; a crashed worker's job is returned to the head of the lane by
 * BullMQ's stalled-job recovery. The job number is the lane's sequence number (see core/entity-batch.ts).
 */
export const pushLaneQueueName = (lane: number) => `push-lane-${lane}`;
export const PUSH_JOB = 'apply-push-batch';

/** One pushed event on the wire (compact: jobs hold up to 10,000 of them). */
export interface WireEvent {
  /** entity */
  e: string;
  /** event time, epoch ms */
  t: number;
  /** event id */
  i?: string;
  /** field values */
  v: Record<string, number>;
}

export interface PushBatchData {
  view: string;
  version: number;
  /** The push request this batch came from (for dead letters and logs). */
  requestId: string;
  events: WireEvent[];
}

export interface BatchResult {
  accepted: number;
  late: number;
  duplicate: number;
  /** Records sent to the dead-letter store while applying (the batch could not be applied). */
  failed: number;
}
