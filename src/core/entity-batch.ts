/**
 * Exactly-once application of one source's batch to one entity (pure).
 *
 * A *source* is an ordered partition of input: a Kinesis shard (`k:<stream>:<shardId>`) or a push lane
 * (`p:<lane>`). Its batches are applied strictly in order, one at a time. Every record carries the sequence
 * number it has in its source; a batch covers records up to `batchEnd`.
 *
 * Per entity we store, atomically with the aggregate state:
 * - `marks[source]`: the end of the last batch applied to this entity. Records with a sequence number at or
 *   below it are skipped, so a re-run of a batch (crash, stalled job, retry, re-read) never applies twice.
 * - `pending[source]`: that batch's outcome for this entity, plus any outcome carried from earlier runs that the
 *   view's counters had not yet counted. The view's counters are advanced once per batch by a second atomic
 *   step keyed by the same `batchEnd` (the view's mark for the source); an outcome whose batch end is above the
 *   view's mark has not been counted yet and is carried into the next count, so counters add up exactly too.
 */
import { applyEvents, type EntityState, newEntityState } from './engine.js';
import type { ApplyOutcome, EngineEvent } from './event.js';
import type { CompiledView } from './feature-view.js';
import { compareSeq, SEQ_NONE } from './sequence.js';

export interface PendingOutcome {
  /** Batch end this outcome belongs to. */
  batchEnd: string;
  /** accepted, late, duplicate */
  counts: [number, number, number];
}

/** What is stored per entity and view version: its state and the exactly-once bookkeeping beside it. */
export interface StoredEntity {
  state: EntityState;
  /** Source → the end of the last batch of that source applied to this entity. */
  marks: Record<string, string>;
  /** Source → the outcome of this entity's last batch from it, until the view's counters include it. */
  pending: Record<string, PendingOutcome>;
}

export interface SequencedEvent extends EngineEvent {
  seq: string;
}

export interface EntityBatchResult {
  stored: StoredEntity;
  /** What this run applied (for the caller's own reporting). */
  fresh: ApplyOutcome;
  /** What the view's counters must add for this batch (fresh plus carried, not yet counted). */
  toCount: ApplyOutcome;
  /** True when nothing changed (every record had been applied before and nothing was left uncounted). */
  unchanged: boolean;
}

export const newStoredEntity = (): StoredEntity => ({ state: newEntityState(), marks: {}, pending: {} });

/** `events`: the entity's events of the batch, in source order (their sequence numbers never decrease). */
export function applyBatchToEntity(
  view: CompiledView,
  current: StoredEntity | null,
  source: string,
  batchEnd: string,
  viewMark: string,
  events: readonly SequencedEvent[],
): EntityBatchResult {
  const stored = current ?? newStoredEntity();
  const mark = stored.marks[source] ?? SEQ_NONE;
  // Events come in source order (sequence numbers never decrease): when the first is past the mark, all are.
  const fresh =
    events.length > 0 && compareSeq(events[0]!.seq, mark) > 0
      ? events
      : events.filter((e) => compareSeq(e.seq, mark) > 0);
  const prior = stored.pending[source];
  const carried: [number, number, number] =
    prior && compareSeq(prior.batchEnd, viewMark) > 0 ? [...prior.counts] : [0, 0, 0];
  const outcome =
    fresh.length > 0 ? applyEvents(view, stored.state, fresh) : { accepted: 0, late: 0, duplicate: 0 };
  const toCount = {
    accepted: outcome.accepted + carried[0],
    late: outcome.late + carried[1],
    duplicate: outcome.duplicate + carried[2],
  };
  // Nothing new and nothing uncounted: the stored entity already reflects this batch.
  const unchanged = fresh.length === 0 && carried.every((n) => n === 0);
  if (!unchanged) {
    if (compareSeq(batchEnd, mark) > 0) stored.marks[source] = batchEnd;
    // Whatever is carried is counted with *this* batch end, so a later batch never carries it again.
    stored.pending[source] = {
      batchEnd: batchEnd,
      counts: [toCount.accepted, toCount.late, toCount.duplicate],
    };
  }
  return { stored, fresh: outcome, toCount, unchanged };
}
