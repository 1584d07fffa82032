/**
 * The aggregation engine (docs/semantics.md): pure, no I/O, time is always a parameter.
 *
 * `applyEvents` folds one entity's events (in arrival order) into its state: lateness and duplicate checks,
 * then tiles (time windows and `last`), count-window lists and the lifetime-last base. `evaluate` finalizes
 * features from the state as of a time. Reads as of T >= watermark - allowedLateness are exact for time windows
 * and (in views with a time window) lifetime `last`; count windows, and lifetime `last` in views without time
 * windows, are exact as of T >= watermark and before it may return fewer events (count-window.ts) or null.
 */
import { ENTRY, endAtOrBefore, insertEntry } from './count-window.js';
import { type FeaturePlan, FIELDLESS_SLOT, featurePlan, planOf, UNKNOWN_FIELD } from './engine-plan.js';
import type { ApplyOutcome, EngineEvent } from './event.js';
import { type IdMemory, isRemembered, pruneIds, rememberId } from './event-ids.js';
import type { CompiledFeature, CompiledView } from './feature-view.js';
import { LAST_SIZE, updateLast } from './last-value.js';
import { emptyMoments, finalizeMoments, MOMENTS_SIZE, mergeMoments, updateMoments } from './moments.js';
import {
  addToTile,
  emptyTiles,
  fieldOffset,
  lowerBound,
  pruneTiles,
  reserveTiles,
  tileAt,
  tileOf,
  tileStride,
} from './tiles.js';

/**
 * The state of one entity under one view version. Plain data (numbers, strings, arrays, objects, one
 * Float64Array) that survives MessagePack round trips (adapters/redis/state-codec.ts); every number is finite.
 * Field slot i is CompiledView.fields[i].
 *
 */
export interface EntityState extends IdMemory {
  /** Greatest event time accepted (epoch ms, UTC); null before the first accepted event. */
  watermark: number | null;
  /** Accepted events so far: the next accepted event gets this arrival rank. */
  arrivals: number;
  /**
   * Tiles ascending by tile index, back to back (layout in tiles.ts). Only tiles with index
   * > tile(watermark) - retainedTiles are kept: none for a view without time windows.
   */
  tiles: Float64Array;
  /**
   * Count-window lists per field slot, plus one at index fields.length for field-less `count` windows; flat
   * (t, arrival, value) entries ascending (layout in count-window.ts). Empty when unused.
   */
  countWindows: number[][];
  /** Lifetime-`last` base per field slot: [t, arrival, value] of the newest event no longer in a tile, or []. */
  lastBase: number[][];
}

/** Feature name → value; null where the aggregate is undefined (empty window, too few events). */
export type FeatureValues = Record<string, number | null>;

export const newEntityState = (): EntityState => ({
  watermark: null,
  arrivals: 0,
  tiles: emptyTiles(),
  countWindows: [],
  lastBase: [],
  ids: {},
  oldestIdTime: null,
});

/** Greatest accepted event time (epoch ms), or null before any accepted event. */
export const watermarkOf = (state: EntityState): number | null => state.watermark;

/** Runs of consecutive events in the same tile: at least the number of distinct tiles the events touch. */
function tileRuns(events: readonly EngineEvent[], g: number): number {
  let runs = 0;
  let previous = Number.NaN;
  for (const e of events) {
    const idx = tileOf(e.t, g);
    if (idx !== previous) runs++;
    previous = idx;
  }
  return runs;
}

/** Slot i of a per-field array, created (with all slots before it, never holes) when missing. */
function slotOf(lists: number[][], i: number): number[] {
  while (lists.length <= i) lists.push([]);
  return lists[i]!;
}

/**
 * Applies one entity's events in arrival order, mutating `state`. An event is late when t < watermark -
 * allowedLateness, else a duplicate when its id is remembered (event-ids.ts), else accepted; the watermark
 * moves as events are accepted. Cost: O(events + pruned tiles), plus count-window inserts and (amortized O(1)
 * per event) id pruning.
 */
export function applyEvents(
  view: CompiledView,
  state: EntityState,
  events: readonly EngineEvent[],
): ApplyOutcome {
  const { granularityMs: g, allowedLatenessMs: lateness, retainedTiles, fields, caps } = planOf(view);
  const fieldCount = fields.length;
  const stride = tileStride(fieldCount);
  const values = new Array<number | undefined>(fieldCount);
  const outcome: ApplyOutcome = { accepted: 0, late: 0, duplicate: 0 };
  if (retainedTiles > 0) reserveTiles(state, stride, Math.min(tileRuns(events, g), retainedTiles + 1));
  for (const e of events) {
    const wm = state.watermark;
    if (wm !== null && e.t < wm - lateness) {
      outcome.late++;
      continue;
    }
    if (e.id !== undefined && wm !== null && isRemembered(state, e.id, wm - lateness)) {
      outcome.duplicate++;
      continue;
    }
    outcome.accepted++;
    const arrival = state.arrivals++;
    const w = wm === null || e.t > wm ? e.t : wm;
    state.watermark = w;
    if (e.id !== undefined) rememberId(state, e.id, e.t);
    for (let i = 0; i < fieldCount; i++) {
      const v = e.values[fields[i]!];
      values[i] = typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    }
    const idx = tileOf(e.t, g);
    if (idx > tileOf(w, g) - retainedTiles) {
      const at = tileAt(state, idx, stride); // may replace state.tiles: read it after
      addToTile(state.tiles, at, values, e.t, arrival);
    } else {
      // Below the retention floor: only lifetime `last` (and count windows, below) can still see it.
      for (let i = 0; i < fieldCount; i++) {
        const v = values[i];
        if (v !== undefined) foldIntoBase(state.lastBase, i, e.t, arrival, v);
      }
    }
    for (let i = 0; i < fieldCount; i++) {
      const v = values[i];
      if (v !== undefined && caps[i]! > 0)
        insertEntry(slotOf(state.countWindows, i), caps[i]!, e.t, arrival, v);
    }
    if (caps[fieldCount]! > 0)
      insertEntry(slotOf(state.countWindows, fieldCount), caps[fieldCount]!, e.t, arrival, 0);
  }
  if (state.watermark !== null) {
    const pruned = pruneTiles(state, stride, tileOf(state.watermark, g) - retainedTiles);
    for (let at = 0; at < pruned.length; at += stride) {
      for (let i = 0; i < fieldCount; i++) {
        const o = at + fieldOffset(i);
        if (pruned[o]! > 0) {
          const l = o + MOMENTS_SIZE;
          foldIntoBase(state.lastBase, i, pruned[l]!, pruned[l + 1]!, pruned[l + 2]!);
        }
      }
    }
    pruneIds(state, state.watermark - lateness, Math.max(g, lateness / 2));
  }
  return outcome;
}

function foldIntoBase(base: number[][], i: number, t: number, arrival: number, v: number): void {
  const slot = slotOf(base, i);
  updateLast(slot, 0, slot.length > 0, t, arrival, v);
}

/**
 * The features (default: all of the view's) as of `asOfMs` (epoch ms; the caller resolves "now" and "latest" —
 * latest is watermarkOf(state)). Cost: O(tiles in the windows + count-window entries read).
 */
export function evaluate(
  view: CompiledView,
  state: EntityState,
  asOfMs: number,
  features?: readonly CompiledFeature[],
): FeatureValues {
  const plan = planOf(view);
  const list =
    features === undefined
      ? plan.features
      : features.map((f) => featurePlan(f, plan.fields, plan.granularityMs));
  const asOfTile = tileOf(asOfMs, plan.granularityMs);
  const stride = tileStride(plan.fields.length);
  const windows = new Map<string, number[]>();
  const out: FeatureValues = {};
  for (const f of list) {
    if (f.field === UNKNOWN_FIELD) out[f.name] = finalizeMoments(emptyMoments(), 0, f.agg);
    else if (f.kind === 'time') {
      const key = `${f.field}/${f.windowTiles}`;
      let acc = windows.get(key);
      if (acc === undefined) {
        acc = timeWindow(state.tiles, stride, f.field, asOfTile - f.windowTiles + 1, asOfTile);
        windows.set(key, acc);
      }
      out[f.name] = finalizeWindow(acc, f);
    } else if (f.kind === 'events') {
      out[f.name] = countWindow(
        state.countWindows[f.field === FIELDLESS_SLOT ? plan.fields.length : f.field],
        f,
        asOfMs,
      );
    } else {
      // Lifetime: the compiler allows only `last`; anything else reads as an empty window.
      out[f.name] =
        f.agg === 'last' ? lifetimeLast(state, stride, f.field, asOfTile, plan.granularityMs) : null;
    }
  }
  return out;
}

/** The features' values with no events at all (an entity without state): count and sum 0, the rest null. */
export function emptyValues(features: readonly CompiledFeature[]): FeatureValues {
  const empty = emptyMoments();
  const out: FeatureValues = {};
  for (const f of features) out[f.name] = finalizeMoments(empty, 0, f.agg);
  return out;
}

/**
 * Merges tiles lo..hi (inclusive) for a field slot into moments followed by a last triple. For the field-less
 * count, only the moment count is set (to the records in the range).
 */
function timeWindow(tiles: Float64Array, stride: number, field: number, lo: number, hi: number): number[] {
  const acc = new Array<number>(MOMENTS_SIZE + LAST_SIZE).fill(0);
  for (let at = lowerBound(tiles, stride, lo) * stride; at < tiles.length; at += stride) {
    if (tiles[at]! > hi) break;
    if (field === FIELDLESS_SLOT) {
      acc[0]! += tiles[at + 1]!;
      continue;
    }
    const o = at + fieldOffset(field);
    if (tiles[o]! === 0) continue;
    mergeMoments(acc, 0, tiles, o);
    // Tiles ascend and tile order follows event time, so the last non-empty tile holds the window's last.
    for (let j = 0; j < LAST_SIZE; j++) acc[MOMENTS_SIZE + j] = tiles[o + MOMENTS_SIZE + j]!;
  }
  return acc;
}

function finalizeWindow(acc: number[], f: FeaturePlan): number | null {
  if (f.agg !== 'last') return finalizeMoments(acc, 0, f.agg);
  return acc[0]! > 0 ? acc[MOMENTS_SIZE + 2]! : null;
}

/** The f.events most recent retained entries with t <= asOfMs. */
function countWindow(list: readonly number[] | undefined, f: FeaturePlan, asOfMs: number): number | null {
  const entries = list ?? [];
  const end = endAtOrBefore(entries, asOfMs);
  const start = Math.max(0, end - f.events * ENTRY);
  if (f.agg === 'count') return (end - start) / ENTRY;
  if (f.agg === 'last') return end > start ? entries[end - 1]! : null;
  const acc = emptyMoments();
  for (let k = start; k < end; k += ENTRY) updateMoments(acc, 0, entries[k + 2]!);
  return finalizeMoments(acc, 0, f.agg);
}

/** The most recent value among events with tile <= asOfTile: newest such tile holding the field, else the base. */
function lifetimeLast(
  state: EntityState,
  stride: number,
  field: number,
  asOfTile: number,
  g: number,
): number | null {
  if (field === FIELDLESS_SLOT) return null;
  const tiles = state.tiles;
  for (let k = lowerBound(tiles, stride, asOfTile + 1) - 1; k >= 0; k--) {
    const o = k * stride + fieldOffset(field);
    if (tiles[o]! > 0) return tiles[o + MOMENTS_SIZE + 2]!;
  }
  const base = state.lastBase[field];
  if (base === undefined || base.length === 0 || tileOf(base[0]!, g) > asOfTile) return null;
  return base[2]!;
}
