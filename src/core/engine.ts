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
import { addToDistinctSketch, distinctCountOf, mergeDistinctSketch } from './distinct-sketch.js';
import {
  type EnginePlan,
  type FeaturePlan,
  FIELDLESS_SLOT,
  featurePlan,
  planOf,
  UNKNOWN_FIELD,
} from './engine-plan.js';
import type { ApplyOutcome, EngineEvent } from './event.js';
import { type IdMemory, isRemembered, pruneIds, rememberId } from './event-ids.js';
import { EW_SIZE, emptyEw, finalizeEw, mergeEw, updateEw } from './ew-moments.js';
import type { CompiledFeature, CompiledView } from './feature-view.js';
import { isMoreRecent, LAST_SIZE, updateLast } from './last-value.js';
import { emptyMoments, finalizeMoments, MOMENTS_SIZE, mergeMoments, updateMoments } from './moments.js';
import {
  addToQuantileSketch,
  foldQuantileSketch,
  newQuantileReader,
  quantileOfReader,
} from './quantile-sketch.js';
import { pruneSketchTiles, type SketchTiles, sketchLowerBound, sketchTileAt } from './tile-sketches.js';
import {
  addToTile,
  emptyTiles,
  fieldOffset,
  lowerBound,
  pruneTiles,
  reserveTiles,
  tileAt,
  tileOf,
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
  /**
   * Sketches of the tiles (tile-sketches.ts), pruned with them; empty for views without a time-window
   * `approx_percentile` or `approx_count_distinct`.
   */
  sketches: SketchTiles;
  /**
   * Lifetime ew base per plan.ew slot (ew-moments.ts layout) of the events no longer in a tile, or [] (slots
   * that no lifetime feature reads stay []).
   */
  ewBase: number[][];
}

/** Feature name → value; null where the aggregate is undefined (empty window, too few events). */
export type FeatureValues = Record<string, number | null>;

export const newEntityState = (): EntityState => ({
  watermark: null,
  arrivals: 0,
  tiles: emptyTiles(),
  countWindows: [],
  lastBase: [],
  sketches: [],
  ewBase: [],
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
  const plan = planOf(view);
  const { granularityMs: g, allowedLatenessMs: lateness, retainedTiles, fields, caps, stride } = plan;
  const fieldCount = fields.length;
  const values = new Array<number | undefined>(fieldCount);
  /** The values whose moments and last the tiles keep (plan.inTiles). */
  const tileValues = new Array<number | undefined>(fieldCount);
  const outcome: ApplyOutcome = { accepted: 0, late: 0, duplicate: 0 };
  if (retainedTiles > 0) reserveTiles(state, stride, Math.min(tileRuns(events, g), retainedTiles + 1));
  for (const e of events) {
    const verdict = admitEvent(state, e, lateness);
    if (verdict !== 'accepted') {
      if (verdict === 'late') outcome.late++;
      else outcome.duplicate++;
      continue;
    }
    outcome.accepted++;
    const arrival = state.arrivals++;
    const w = state.watermark!;
    for (let i = 0; i < fieldCount; i++) {
      const v = e.values[fields[i]!];
      values[i] = typeof v === 'number' && Number.isFinite(v) ? v : undefined;
      tileValues[i] = plan.inTiles[i] ? values[i] : undefined;
    }
    if (plan.recordSlot >= 0) values[plan.recordSlot] = tileValues[plan.recordSlot] = 0;
    const idx = tileOf(e.t, g);
    if (idx > tileOf(w, g) - retainedTiles) {
      const at = tileAt(state, idx, stride); // may replace state.tiles: read it after
      addToTile(state.tiles, at, tileValues, e.t, arrival);
      addToTileExtras(plan, state, at, idx, values, e.t, arrival);
    } else {
      // Below the retention floor: only the lifetime features (and count windows, below) can still see it.
      for (let i = 0; i < fieldCount; i++) {
        const v = tileValues[i];
        if (v !== undefined) foldIntoBase(state.lastBase, i, e.t, arrival, v);
      }
      for (let k = 0; k < plan.ew.length; k++) {
        const slot = plan.ew[k]!;
        const v = values[slot.field];
        if (slot.lifetime && v !== undefined) updateEw(ewBaseOf(state, k), 0, slot.halfLifeMs, e.t, v);
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
      for (let k = 0; k < plan.ew.length; k++) {
        const slot = plan.ew[k]!;
        if (slot.lifetime) mergeEw(ewBaseOf(state, k), 0, pruned, at + slot.at, slot.halfLifeMs);
      }
    }
    if (plan.sketches.length > 0)
      pruneSketchTiles(state.sketches, tileOf(state.watermark, g) - retainedTiles);
    pruneAdmittedIds(state, g, lateness);
  }
  return outcome;
}

/**
 * Makes room in `state` for the tiles that `events` (in event-time order) will add, so that applying them over
 * several calls allocates the tile array once (point-in-time rows apply an entity's events a few at a time).
 */
export function reserveTilesFor(
  view: CompiledView,
  state: EntityState,
  events: readonly EngineEvent[],
): void {
  const { retainedTiles, granularityMs, stride } = planOf(view);
  if (retainedTiles > 0)
    reserveTiles(state, stride, Math.min(tileRuns(events, granularityMs), retainedTiles + 1));
}

/** What ingestion makes of an entity's next event in arrival order (docs/semantics.md). */
export type Verdict = 'accepted' | 'late' | 'duplicate';

/**
 * Judges an entity's next event as `applyEvents` does, before it touches tiles: late when t < watermark -
 * allowedLateness, else a duplicate when its id is remembered, else accepted (the watermark moves, the id is
 * remembered). The point-in-time judge calls it alone (point-in-time.ts); call `pruneAdmittedIds` after.
 */
export function admitEvent(state: EntityState, e: EngineEvent, latenessMs: number): Verdict {
  const wm = state.watermark;
  if (wm !== null && e.t < wm - latenessMs) return 'late';
  if (e.id !== undefined && wm !== null && isRemembered(state, e.id, wm - latenessMs)) return 'duplicate';
  state.watermark = wm === null || e.t > wm ? e.t : wm;
  if (e.id !== undefined) rememberId(state, e.id, e.t);
  return 'accepted';
}

/** Bounds the ids `admitEvent` remembers (event-ids.ts: answers stay exact whenever it runs). */
export function pruneAdmittedIds(state: EntityState, granularityMs: number, latenessMs: number): void {
  if (state.watermark === null) return;
  pruneIds(state, state.watermark - latenessMs, Math.max(granularityMs, latenessMs / 2));
}

/** What a tile keeps beyond moments and last, when the view's features need it (engine-plan.ts). */
function addToTileExtras(
  plan: EnginePlan,
  state: EntityState,
  at: number,
  idx: number,
  values: readonly (number | undefined)[],
  t: number,
  arrival: number,
): void {
  const tiles = state.tiles;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const first = plan.firstAt[i]!;
    if (v === undefined || first < 0) continue;
    const o = at + first;
    // The field's moment count is 1 when this is its first value in the tile; ties keep the earlier arrival.
    if (tiles[at + fieldOffset(i)] === 1 || isMoreRecent(tiles[o]!, tiles[o + 1]!, t, arrival)) {
      tiles[o] = t;
      tiles[o + 1] = arrival;
      tiles[o + 2] = v;
    }
  }
  for (const slot of plan.ew) {
    const v = values[slot.field];
    if (v !== undefined) updateEw(tiles, at + slot.at, slot.halfLifeMs, t, v);
  }
  if (plan.sketches.length === 0) return;
  let entry: number[][] | undefined;
  for (let k = 0; k < plan.sketches.length; k++) {
    const slot = plan.sketches[k]!;
    const v = values[slot.field];
    if (v === undefined) continue;
    entry ??= sketchTileAt(state.sketches, idx, plan.sketches.length);
    if (slot.kind === 'quantile') addToQuantileSketch(entry[1 + k]!, v);
    else addToDistinctSketch(entry[1 + k]!, v);
  }
}

/** The lifetime ew base of slot k, created empty when missing. */
function ewBaseOf(state: EntityState, k: number): number[] {
  const base = slotOf(state.ewBase, k);
  if (base.length === 0) base.push(...emptyEw());
  return base;
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
  const list = features === undefined ? plan.features : features.map((f) => featurePlan(f, plan));
  const asOfTile = tileOf(asOfMs, plan.granularityMs);
  const windows = new Map<string, number[]>();
  const out: FeatureValues = {};
  for (const f of list) {
    if (f.field === UNKNOWN_FIELD) out[f.name] = finalizeMoments(emptyMoments(), 0, f.agg);
    else if (f.kind === 'time') {
      const lo = asOfTile - f.windowTiles + 1;
      if (f.agg === 'time_since_last') out[f.name] = timeSinceLast(plan, state, f.field, lo, asOfMs);
      else if (f.ew >= 0) out[f.name] = finalizeEw(ewOver(plan, state.tiles, f.ew, lo, asOfTile), 0, f.agg);
      else if (f.sketch >= 0) out[f.name] = sketchOver(plan, state.sketches, f, lo, asOfTile);
      else {
        const key = `${f.field}/${f.windowTiles}`;
        let acc = windows.get(key);
        if (acc === undefined) {
          acc = timeWindow(plan, state.tiles, f.field, lo, asOfTile);
          windows.set(key, acc);
        }
        out[f.name] = finalizeWindow(acc, f);
      }
    } else if (f.kind === 'events') {
      out[f.name] = countWindow(
        state.countWindows[f.field === FIELDLESS_SLOT ? plan.fields.length : f.field],
        f,
        asOfMs,
      );
    } else out[f.name] = lifetime(plan, state, f, asOfMs);
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

/** A window accumulator: moments, then the last triple, then the first triple. */
const LAST_AT = MOMENTS_SIZE;
const FIRST_AT = MOMENTS_SIZE + LAST_SIZE;

/**
 * Merges tiles lo..hi (inclusive) for a field slot into moments followed by the last and the first triple (the
 * first only when the tiles keep one for the field). For the field-less count, only the moment count is set (to
 * the records in the range).
 */
function timeWindow(plan: EnginePlan, tiles: Float64Array, field: number, lo: number, hi: number): number[] {
  const stride = plan.stride;
  const acc = new Array<number>(MOMENTS_SIZE + 2 * LAST_SIZE).fill(0);
  const firstAt = field >= 0 ? plan.firstAt[field]! : -1;
  for (let at = lowerBound(tiles, stride, lo) * stride; at < tiles.length; at += stride) {
    if (tiles[at]! > hi) break;
    if (field === FIELDLESS_SLOT) {
      acc[0]! += tiles[at + 1]!;
      continue;
    }
    const o = at + fieldOffset(field);
    if (tiles[o]! === 0) continue;
    // Tiles ascend and tile order follows event time: the first non-empty tile holds the window's first, the
    // last one its last.
    if (acc[0] === 0 && firstAt >= 0)
      for (let j = 0; j < LAST_SIZE; j++) acc[FIRST_AT + j] = tiles[at + firstAt + j]!;
    mergeMoments(acc, 0, tiles, o);
    for (let j = 0; j < LAST_SIZE; j++) acc[LAST_AT + j] = tiles[o + MOMENTS_SIZE + j]!;
  }
  return acc;
}

function finalizeWindow(acc: number[], f: FeaturePlan): number | null {
  if (acc[0]! === 0 || !derived(f.agg)) return finalizeMoments(acc, 0, f.agg);
  return finalizeDerived(f.agg, acc, acc[FIRST_AT]!, acc[FIRST_AT + 2]!, acc[LAST_AT]!, acc[LAST_AT + 2]!);
}

const derived = (agg: FeaturePlan['agg']): boolean =>
  agg === 'last' ||
  agg === 'first' ||
  agg === 'range' ||
  agg === 'delta' ||
  agg === 'rate' ||
  agg === 'zscore';

/**
 * `last`, `first`, `range`, `delta`, `rate` and `zscore` from the moments m of a non-empty window and its
 * first (tFirst, first) and last (tLast, last) values.
 */
function finalizeDerived(
  agg: FeaturePlan['agg'],
  m: number[],
  tFirst: number,
  first: number,
  tLast: number,
  last: number,
): number | null {
  switch (agg) {
    case 'last':
      return last;
    case 'first':
      return first;
    case 'range':
      return m[5]! - m[4]!;
    case 'delta':
      return last - first;
    case 'rate':
      return tLast === tFirst ? null : (last - first) / ((tLast - tFirst) / 1000);
    case 'zscore': {
      const n = m[0]!;
      const sd = finalizeMoments(m, 0, 'stddev');
      if (n < 2 || sd === null || sd === 0) return null;
      return (last - (finalizeMoments(m, 0, 'avg') as number)) / sd;
    }
    default:
      return null;
  }
}

/** The ew intermediate of plan.ew[k] over tiles lo..hi. */
function ewOver(plan: EnginePlan, tiles: Float64Array, k: number, lo: number, hi: number): number[] {
  const slot = plan.ew[k]!;
  const acc = emptyEw();
  for (let at = lowerBound(tiles, plan.stride, lo) * plan.stride; at < tiles.length; at += plan.stride) {
    if (tiles[at]! > hi) break;
    mergeEw(acc, 0, tiles, at + slot.at, slot.halfLifeMs);
  }
  return acc;
}

/** A time-window sketch aggregation: the tiles' sketches lo..hi merged, then estimated. */
function sketchOver(
  plan: EnginePlan,
  list: SketchTiles,
  f: FeaturePlan,
  lo: number,
  hi: number,
): number | null {
  const quantile = plan.sketches[f.sketch]!.kind === 'quantile' ? newQuantileReader() : undefined;
  const distinct: number[] = [];
  for (let k = sketchLowerBound(list, lo); k < list.length; k++) {
    const entry = list[k]!;
    if (entry[0]![0]! > hi) break;
    const sketch = entry[1 + f.sketch]!;
    if (quantile) foldQuantileSketch(quantile, sketch);
    else mergeDistinctSketch(distinct, sketch);
  }
  if (quantile) return quantileOfReader(quantile, f.p);
  return distinct.length === 0 ? null : distinctCountOf(distinct);
}

/**
 * T − t of the newest event (with the field) at or before T among tiles from lo up to T's tile, else (lo =
 * -Infinity: lifetime) the base. A tile whose newest event is after T (only T's own tile can be) is passed over:
 * its events at or before T are not known apart, so before the watermark the result may be an older event's.
 */
function timeSinceLast(
  plan: EnginePlan,
  state: EntityState,
  field: number,
  lo: number,
  asOfMs: number,
): number | null {
  const tiles = state.tiles;
  const stride = plan.stride;
  const floor = lowerBound(tiles, stride, lo);
  for (let k = lowerBound(tiles, stride, tileOf(asOfMs, plan.granularityMs) + 1) - 1; k >= floor; k--) {
    const o = k * stride + fieldOffset(field);
    if (tiles[o]! > 0 && tiles[o + MOMENTS_SIZE]! <= asOfMs) return asOfMs - tiles[o + MOMENTS_SIZE]!;
  }
  if (lo !== Number.NEGATIVE_INFINITY) return null;
  const base = state.lastBase[field];
  if (base === undefined || base.length === 0 || base[0]! > asOfMs) return null;
  return asOfMs - base[0]!;
}

/** The f.events most recent retained entries with t <= asOfMs. */
function countWindow(list: readonly number[] | undefined, f: FeaturePlan, asOfMs: number): number | null {
  const entries = list ?? [];
  const end = endAtOrBefore(entries, asOfMs);
  const start = Math.max(0, end - f.events * ENTRY);
  const n = (end - start) / ENTRY;
  if (f.agg === 'count') return n;
  if (n === 0) return finalizeMoments(emptyMoments(), 0, f.agg);
  switch (f.agg) {
    case 'time_since_last':
      return asOfMs - entries[end - ENTRY]!;
    case 'ewma':
    case 'ewvar':
    case 'ewstd': {
      const acc = emptyEw();
      for (let k = start; k < end; k += ENTRY) updateEw(acc, 0, f.halfLifeMs, entries[k]!, entries[k + 2]!);
      return finalizeEw(acc, 0, f.agg);
    }
    case 'approx_percentile': {
      const sorted: number[] = [];
      for (let k = start; k < end; k += ENTRY) sorted.push(entries[k + 2]!);
      sorted.sort((a, b) => a - b);
      return sorted[Math.floor(f.p * (n - 1))]!;
    }
    case 'approx_count_distinct': {
      const seen = new Set<number>();
      for (let k = start; k < end; k += ENTRY) seen.add(entries[k + 2]!);
      return seen.size;
    }
  }
  const acc = emptyMoments();
  for (let k = start; k < end; k += ENTRY) updateMoments(acc, 0, entries[k + 2]!);
  if (!derived(f.agg)) return finalizeMoments(acc, 0, f.agg);
  const last = end - ENTRY;
  return finalizeDerived(
    f.agg,
    acc,
    entries[start]!,
    entries[start + 2]!,
    entries[last]!,
    entries[last + 2]!,
  );
}

/** Lifetime features: `last`, `time_since_last` and the ew aggregations (the compiler allows no others). */
function lifetime(plan: EnginePlan, state: EntityState, f: FeaturePlan, asOfMs: number): number | null {
  if (f.field === FIELDLESS_SLOT) return null;
  if (f.agg === 'time_since_last')
    return timeSinceLast(plan, state, f.field, Number.NEGATIVE_INFINITY, asOfMs);
  const asOfTile = tileOf(asOfMs, plan.granularityMs);
  if (f.ew >= 0) {
    const acc = emptyEw();
    const base = state.ewBase[f.ew];
    if (base !== undefined && base.length === EW_SIZE) mergeEw(acc, 0, base, 0, f.halfLifeMs);
    const tiles = ewOver(plan, state.tiles, f.ew, Number.NEGATIVE_INFINITY, asOfTile);
    mergeEw(acc, 0, tiles, 0, f.halfLifeMs);
    return finalizeEw(acc, 0, f.agg);
  }
  return f.agg === 'last' ? lifetimeLast(plan, state, f.field, asOfTile) : null;
}

/** The most recent value among events with tile <= asOfTile: newest such tile holding the field, else the base. */
function lifetimeLast(plan: EnginePlan, state: EntityState, field: number, asOfTile: number): number | null {
  const tiles = state.tiles;
  const stride = plan.stride;
  for (let k = lowerBound(tiles, stride, asOfTile + 1) - 1; k >= 0; k--) {
    const o = k * stride + fieldOffset(field);
    if (tiles[o]! > 0) return tiles[o + MOMENTS_SIZE + 2]!;
  }
  const base = state.lastBase[field];
  if (base === undefined || base.length === 0 || tileOf(base[0]!, plan.granularityMs) > asOfTile) return null;
  return base[2]!;
}
