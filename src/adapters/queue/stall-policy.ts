/**
 * BullMQ fails a job that stalled (its worker died or lost the lock) more than `maxStalledCount` times. A batch
 * job's records would then be dropped, so Eddy's batch workers never let BullMQ fail a job for stalling: a stalled
 * job goes back to the head of its queue and runs again (re-running a batch has no effect twice:
 * core/entity-batch.ts), however many times the workers holding it die.
 */
export const NEVER_FAIL_STALLED = Number.MAX_SAFE_INTEGER;
