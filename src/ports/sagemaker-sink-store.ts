/**
 * The SageMaker sink's state (per view): which entities still have to be written, the drain's arm, what was
 * sent per entity, the sink's dead letters and its counters.
 *
 * Pending entities are members `<version>:<entity>` of a per-view set, each with a *generation*: a number that
 * grows on every mark. A writer reads the generation before the entity's state and settles the member only if the
 * generation is unchanged after the write, so a change that lands while a write is in flight is written again.
 */
import type { SentMemo } from '../core/sagemaker-write-plan.js';

export interface PendingEntity {
  version: number;
  entity: string;
  /** `<version>:<entity>` */
  member: string;
  generation: number;
}

export interface SinkPendingSet {
  /**
   * Marks entities pending (a fresh generation each) and arms the view's drain if no drain is armed. Returns the
   * arm's id when this call armed it (the caller enqueues the drain job), else 0. One round trip, O(1) per entity.
   */
  mark(view: string, version: number, entities: readonly string[]): Promise<number>;
  /** Arms the drain when entities are pending and none is armed; returns the arm id or 0. */
  armIfPending(view: string): Promise<number>;
  /** Takes (or keeps) the arm for drain `arm`; false when another drain holds it. Refreshes its expiry. */
  claim(view: string, arm: number): Promise<boolean>;
  /**
   * Ends drain `arm`. Nothing pending: disarms, returns 0. Entities pending: with `handOff`, re-arms under a new id
   * and returns it (the caller enqueues it); without, returns -2 (keep draining). Returns -1 when the arm is not ours.
   */
  release(view: string, arm: number, handOff: boolean): Promise<number>;
  /** Pending entities with a generation above `after`, lowest first. */
  scan(view: string, after: number, limit: number): Promise<PendingEntity[]>;
  generation(view: string, member: string): Promise<number | null>;
  /** Removes the member if its generation is still `generation`; true when removed. */
  settle(view: string, member: string, generation: number): Promise<boolean>;
  count(view: string): Promise<number>;
  /** Per entity: the last write made or tried (core/sagemaker-write-plan.ts); expires with the entity. */
  memo(view: string, version: number, entity: string): Promise<SentMemo | null>;
  /** Stores the memo (null: forgets it). */
  setMemo(view: string, version: number, entity: string, memo: SentMemo | null, ttlMs: number): Promise<void>;
}

/** A write that failed for good (attempts ran out, or SageMaker refused it). One per entity and version. */
export interface SinkDeadLetter {
  /** `<version>:<entity>` */
  id: string;
  view: string;
  version: number;
  entity: string;
  featureGroupName: string;
  code: string;
  status: number | null;
  message: string;
  attempts: number;
  /** Event time of the record that failed (ISO-8601 UTC). */
  eventTime: string;
  /** ISO-8601 UTC. */
  failedAt: string;
}

export interface SinkDeadLetterPage {
  items: SinkDeadLetter[];
  total: number;
  next: string | null;
}

export interface SinkDeadLetterStore {
  /** Stores (or replaces) the entry of its entity and counts it; the oldest entries beyond the cap are evicted. */
  add(view: string, entry: SinkDeadLetter): Promise<void>;
  list(view: string, limit: number, after?: string): Promise<SinkDeadLetterPage>;
  get(view: string, ids: readonly string[]): Promise<(SinkDeadLetter | null)[]>;
  remove(view: string, ids: readonly string[]): Promise<void>;
  /**
   * Replay: atomically removes the entries and marks their entities pending again (fresh attempts; the drain
   * writes their *current* state). Returns the drain arm id when it armed one, else 0.
   */
  requeue(view: string, entries: readonly SinkDeadLetter[]): Promise<number>;
  count(view: string): Promise<number>;
}

/** Enqueues the drain job of an armed view (job id derived from the arm id, so it is added once). */
export interface SinkDrainQueue {
  enqueueDrain(view: string, arm: number, delayMs: number): Promise<void>;
}

export interface SinkError {
  at: string;
  code: string;
  status: number | null;
  message: string;
}

export interface SinkCounters {
  /** PutRecord calls that succeeded. */
  written: number;
  /** Entities found already up to date in SageMaker (no call made). */
  unchanged: number;
  /** PutRecord attempts that failed (retried or not). */
  failed: number;
  /** Writes sent to the dead-letter queue, ever. */
  deadLettered: number;
  lastError: SinkError | null;
  /** ISO-8601 UTC of the last successful write. */
  lastWriteAt: string | null;
}

export interface SinkStats {
  /** A successful write; also drops the entity's dead letter, if any (its newest value is now in SageMaker). */
  written(view: string, deadLetterId: string): Promise<void>;
  unchanged(view: string): Promise<void>;
  failed(view: string, error: SinkError): Promise<void>;
  read(view: string): Promise<SinkCounters>;
}
