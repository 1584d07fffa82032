/**
 * Push lanes as the services see them: ordered queues of push batches (adapters/queue/push-lanes.ts keeps them
 * in BullMQ and encodes their events; adapters/queue/push-job-codec.ts is the job format).
 */
import type { EngineEvent } from '../core/event.js';

/** One accepted event and the entity it belongs to. */
export interface PushEvent {
  entity: string;
  event: EngineEvent;
}

/** One push request's share of one lane. */
export interface PushBatch {
  view: string;
  version: number;
  /** The push request this batch came from (for dead letters and logs). */
  requestId: string;
  /** The pusher waits for this batch's own result: it is applied on its own, never with its neighbours. */
  wait?: boolean;
  /**
   * Set by a push that may be sent again (a retried delivery): the lane queues this batch at most once per
   * `onceId` within PUSH_ONCE_WINDOW_MS, atomically with adding it, and never applies it as another job's follower
   * (removing a follower would forget that it was queued).
   */
  onceId?: string;
  events: readonly PushEvent[];
  /** The view version's fields (the values an event may carry). */
  fields: readonly string[];
}

/** How long a lane remembers a batch's `onceId`: longer than Firehose retries a delivery (at most 2 h). */
export const PUSH_ONCE_WINDOW_MS = 3 * 3_600_000;

/** A queued push batch's counts once applied. */
export interface BatchResult {
  accepted: number;
  late: number;
  duplicate: number;
  /** Records sent to the dead-letter store while applying (the batch could not be applied). */
  failed: number;
}

/** A handle on a queued batch, to wait for its result. */
export interface QueuedBatch {
  readonly lane: number;
}

export interface PushLanes {
  readonly count: number;
  /** Enqueues one batch per lane (lane → batch); returns the handles in lane order. */
  enqueue(batches: ReadonlyMap<number, PushBatch>): Promise<QueuedBatch[]>;
  /** Resolves with each batch's result once applied; rejects after `timeoutMs`. */
  waitFor(batches: readonly QueuedBatch[], timeoutMs: number): Promise<BatchResult[]>;
  /** Batches waiting or running, over all lanes. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/** A job's events, decoded and checked, without an object per event: `eventAt(k)` builds event k when asked. */
export interface PushEventColumns {
  /** Entity of every event, in order. */
  readonly entities: readonly string[];
  /** Event k (0 <= k < entities.length) as a new object (the caller may keep or change it). */
  eventAt(k: number): EngineEvent;
}

/** A push-lane job as the apply step sees it. */
export interface PushJob {
  /** The lane's sequence number of the job's records (BullMQ's job number, a decimal integer string). */
  number: string;
  view: string;
  version: number;
  events: PushEventColumns;
}
