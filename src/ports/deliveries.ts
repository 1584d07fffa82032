/**
 * Deliveries a sender may retry whole (a Kinesis Data Firehose request): which ones were already queued whole,
 * so a retry after success is answered without queueing anything again. The lanes' own once-per-id guard
 * (PushBatch.onceId) covers a retry after a partial attempt.
 */
export interface Deliveries {
  /** Whether delivery `pushId` to `view` was queued whole (within PUSH_ONCE_WINDOW_MS). */
  done(view: string, pushId: string): Promise<boolean>;
  /** Records that delivery `pushId` to `view` is queued whole. */
  markDone(view: string, pushId: string): Promise<void>;
}
