/**
 * Point-in-time features (docs/semantics.md#point-in-time-training-data): a training row (entity, T) gets the
 * view's features as of T restricted to accepted events with event time <= T (`inclusive`) or < T (`exclusive`).
 * Pure; uses the engine through its public functions only.
 *
 * Acceptance is judged once per entity over the WHOLE stream in source order (`EntityJudge`): lateness and
 * duplicate ids exactly as ingestion judges them. An event accepted there is accepted for every T, because the
 * watermark of the events up to T is never higher than the stream's at that point; an event judged late or a
 * duplicate stays out of every row, as it stays out of the online state.
 */
import {
  admitEvent,
  applyEvents,
  type EntityState,
  emptyValues,
  evaluate,
  type FeatureValues,
  newEntityState,
  pruneAdmittedIds,
  reserveTilesFor,
} from './engine.js';
import type { EngineEvent } from './event.js';
import type { CompiledFeature, CompiledView } from './feature-view.js';

export type Boundary = 'inclusive' | 'exclusive';

/** One row's answer: the greatest accepted event time counted (null: no event, NOT_FOUND) and the values. */
export interface PointInTimeRow {
  eventTime: number | null;
  values: FeatureValues;
}

/** Judges one entity's events in source order with the engine's own rule (`admitEvent`, as applyEvents uses it). */
export class EntityJudge {
  private readonly state: EntityState = newEntityState();
  private readonly granularityMs: number;
  private readonly latenessMs: number;

  constructor(view: CompiledView) {
    this.granularityMs = view.granularityMs;
    this.latenessMs = view.allowedLatenessMs;
  }

  /** Whether the next event in source order is accepted (false: late or a duplicate). */
  accepts(event: EngineEvent): boolean {
    if (admitEvent(this.state, event, this.latenessMs) !== 'accepted') return false;
    if (event.id !== undefined) pruneAdmittedIds(this.state, this.granularityMs, this.latenessMs);
    return true;
  }
}

/** The accepted events of one entity's source-ordered stream, without ids (judged already), in source order. */
export function acceptedEvents(view: CompiledView, events: readonly EngineEvent[]): EngineEvent[] {
  const judge = new EntityJudge(view);
  const out: EngineEvent[] = [];
  for (const e of events) if (judge.accepts(e)) out.push({ t: e.t, values: e.values });
  return out;
}

/**
 * The features of one entity as of each time in `times` (epoch ms, ascending), from its accepted events (source
 * order, ids dropped: `acceptedEvents`). The events are applied in event-time order, source order within equal
 * times, as each row's bound passes them: every event added has t >= every event before it, so the engine never
 * judges one late, and arrival ranks order equal times as the source did (count windows and `last` tie-break
 * on it). Cost: O(events log events + rows × evaluate).
 */
export function featuresAtTimes(
  view: CompiledView,
  accepted: readonly EngineEvent[],
  times: readonly number[],
  boundary: Boundary,
  features: readonly CompiledFeature[] = view.features,
): PointInTimeRow[] {
  const ordered = inTimeOrder(accepted);
  const state = newEntityState();
  reserveTilesFor(view, state, ordered);
  const all = features === view.features ? undefined : features;
  const empty = emptyValues(features);
  const rows: PointInTimeRow[] = [];
  let next = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const T of times) {
    if (T < previous) throw new RangeError('featuresAtTimes: times must ascend');
    previous = T;
    let end = next;
    while (end < ordered.length && (boundary === 'inclusive' ? ordered[end]!.t <= T : ordered[end]!.t < T))
      end++;
    if (end > next) {
      applyEvents(view, state, ordered.slice(next, end));
      next = end;
    }
    rows.push(
      state.watermark === null
        ? { eventTime: null, values: empty }
        : { eventTime: state.watermark, values: evaluate(view, state, T, all) },
    );
  }
  return rows;
}

/** The events by event time, source order within equal times (Array#sort is stable); no copy when already so. */
function inTimeOrder(events: readonly EngineEvent[]): readonly EngineEvent[] {
  for (let i = 1; i < events.length; i++)
    if (events[i - 1]!.t > events[i]!.t) return [...events].sort((a, b) => a.t - b.t);
  return events;
}
