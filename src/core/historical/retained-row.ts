/**
 * A training row from the ONLINE state (`events: {"type": "retained"}`, docs/semantics.md#retained-online-state):
 * the entity's stored state finalized by the engine's own `evaluate`, restricted so that no event after the row's
 * time T is ever used. Pure.
 *
 * Tiles merge every event of a tile, so a tile can only be taken whole: time windows and lifetime features are
 * read as of the end of the last tile that ends at or before T (`inclusive`; before T: `exclusive`), leaving out
 * the events of T's own tile before T (none when T is aligned to a tile end, `inclusive`, or a tile start,
 * `exclusive`). Count windows keep each event, so they are read as of T exactly (events <= T, or < T).
 *
 * A row is `OUT_OF_RETENTION` (every feature null) when one of its features would need events the state no
 * longer holds (`readsDroppedEvents`); `NOT_FOUND` (the unknown entity's values) when the entity has no state.
 */
import { ENTRY, endAtOrBefore, endBefore } from '../count-window.js';
import { type EntityState, emptyValues, evaluate, type FeatureValues } from '../engine.js';
import { type EnginePlan, type FeaturePlan, FIELDLESS_SLOT, featurePlan, planOf } from '../engine-plan.js';
import type { CompiledFeature, CompiledView } from '../feature-view.js';
import type { Boundary } from '../point-in-time.js';
import { tileOf } from '../tiles.js';

export type RetainedRowStatus = 'PRESENT' | 'NOT_FOUND' | 'OUT_OF_RETENTION';

export interface RetainedRow {
  status: RetainedRowStatus;
  values: FeatureValues;
}

/**
 * The last ms of the last tile (granularity g) that ends at or before T (`inclusive`) or before T (`exclusive`):
 * tile k holds [k·g, (k+1)·g − 1].
 */
export function lastTileEndBefore(T: number, granularityMs: number, boundary: Boundary): number {
  const g = granularityMs;
  return Math.floor((boundary === 'inclusive' ? T + 1 : T) / g) * g - 1;
}

/** Computes rows for one view, feature selection and boundary (what does not depend on the row, done once). */
export interface RetainedRowReader {
  /** The row (entity, T) from the entity's online state (null: no state). */
  row(state: EntityState | null, T: number): RetainedRow;
}

export function retainedRowReader(
  view: CompiledView,
  features: readonly CompiledFeature[],
  boundary: Boundary,
): RetainedRowReader {
  const plan = planOf(view);
  const plans = features.map((f) => featurePlan(f, plan));
  const byTile = features.filter((f) => f.kind !== 'events');
  const byEvent = features.filter((f) => f.kind === 'events');
  const hasTimeWindow = plans.some((f) => f.kind === 'time');
  const empty = emptyValues(features);
  const nulls = Object.fromEntries(features.map((f) => [f.name, null]));
  // The rows of one entity share its state: whether its tiles miss events is counted once per state.
  let missFor: EntityState | null = null;
  let miss = false;
  return {
    row(state, T) {
      if (state === null || state.watermark === null) return { status: 'NOT_FOUND', values: empty };
      const end = lastTileEndBefore(T, plan.granularityMs, boundary);
      const computed: FeatureValues = {};
      if (byTile.length > 0) Object.assign(computed, evaluate(view, state, end, byTile));
      if (byEvent.length > 0) {
        const upToT = boundary === 'inclusive' ? state : countWindowsBefore(state, T);
        Object.assign(computed, evaluate(view, upToT, T, byEvent));
      }
      if (hasTimeWindow && missFor !== state) {
        missFor = state;
        miss = tilesMissEvents(plan, state);
      }
      const values: FeatureValues = {};
      for (let i = 0; i < features.length; i++) {
        const name = features[i]!.name;
        const value = computed[name] ?? null;
        if (readsDroppedEvents(plan, state, plans[i]!, end, T, boundary, value, miss)) {
          return { status: 'OUT_OF_RETENTION', values: nulls };
        }
        values[name] = value;
      }
      return { status: 'PRESENT', values };
    },
  };
}

/** One row (see retainedRowReader, which serves many rows of one job). */
export function retainedRow(
  view: CompiledView,
  state: EntityState | null,
  T: number,
  boundary: Boundary,
  features: readonly CompiledFeature[],
): RetainedRow {
  return retainedRowReader(view, features, boundary).row(state, T);
}

/** The state with its count-window lists cut before T (shares everything else; the input is not changed). */
function countWindowsBefore(state: EntityState, T: number): EntityState {
  return { ...state, countWindows: state.countWindows.map((list) => list.slice(0, endBefore(list, T))) };
}

/**
 * Whether feature f of the row may need accepted events the state dropped (it keeps the tiles after
 * `floor` = tile(watermark) − retainedTiles, and each count-window list's `cap` most recent events):
 * - time window (tiles lo..tile(end)): lo <= floor while the state holds fewer events in its tiles than it
 *   accepted (some went below the floor);
 * - count window of N: fewer than N kept events up to T while the list is full (older events may be gone);
 * - lifetime `last` / `time_since_last`: no value up to `end` in the tiles while the newest event below the floor
 *   is after `end` (older ones are gone);
 * - lifetime EW: tile(end) < floor while events below the floor were folded in (some may be after `end`).
 */
function readsDroppedEvents(
  plan: EnginePlan,
  state: EntityState,
  f: FeaturePlan,
  end: number,
  T: number,
  boundary: Boundary,
  value: number | null,
  tilesMiss: boolean,
): boolean {
  if (f.field < FIELDLESS_SLOT) return false; // a field the view does not know: always empty
  const floor = tileOf(state.watermark!, plan.granularityMs) - plan.retainedTiles;
  if (f.kind === 'time') {
    return tileOf(end, plan.granularityMs) - f.windowTiles + 1 <= floor && tilesMiss;
  }
  if (f.kind === 'events') {
    const slot = f.field === FIELDLESS_SLOT ? plan.fields.length : f.field;
    const list = state.countWindows[slot] ?? [];
    const kept = (boundary === 'inclusive' ? endAtOrBefore(list, T) : endBefore(list, T)) / ENTRY;
    return kept < f.events && list.length >= plan.caps[slot]! * ENTRY;
  }
  if (f.field === FIELDLESS_SLOT) return false; // a lifetime feature without a field is always null
  if (f.ew >= 0) {
    const base = state.ewBase[f.ew];
    return base !== undefined && base.length > 0 && tileOf(end, plan.granularityMs) < floor;
  }
  const base = state.lastBase[f.field];
  return value === null && base !== undefined && base.length > 0 && base[0]! > end;
}

/** Whether the state accepted events that its tiles do not hold (tile record counts against arrivals). */
function tilesMissEvents(plan: EnginePlan, state: EntityState): boolean {
  let held = 0;
  for (let at = 0; at < state.tiles.length; at += plan.stride) held += state.tiles[at + 1]!;
  return held < state.arrivals;
}
