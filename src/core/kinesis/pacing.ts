/**
 * GetRecords pacing (pure). Kinesis allows 5 GetRecords calls per second per shard, shared by every consumer:
 * a reader never calls more often than every 200 ms. It polls at that rate while it is behind (MillisBehindLatest
 * > 0, or the call returned a full batch) and idles once caught up. Throttling (ProvisionedThroughputExceeded)
 * backs off exponentially with full jitter.
 */

/** 5 calls per second per shard. */
export const MIN_CALL_INTERVAL_MS = 200;
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 10_000;

export interface PollResult {
  records: number;
  /** The call's Limit. */
  limit: number;
  millisBehindLatest: number;
}

/** Milliseconds from the start of the last GetRecords call to the start of the next. */
export function pollInterval(last: PollResult, idleMs: number): number {
  const behind = last.millisBehindLatest > 0 || (last.records > 0 && last.records >= last.limit);
  return behind ? MIN_CALL_INTERVAL_MS : Math.max(MIN_CALL_INTERVAL_MS, idleMs);
}

/**
 * Delay before retry `attempt` (0-based) after a throttling error: uniform in
 * [MIN_CALL_INTERVAL_MS, min(BACKOFF_MAX_MS, BACKOFF_BASE_MS · 2^attempt)]. `random` is in [0, 1).
 */
export function throttleBackoff(attempt: number, random: number): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 20));
  return Math.round(MIN_CALL_INTERVAL_MS + random * Math.max(0, cap - MIN_CALL_INTERVAL_MS));
}
