/**
 * What the engine derives once per CompiledView: field slots, the tile layout, count-window capacities,
 * retention. Cached per view object (WeakMap), so callers that keep their CompiledView pay for it once.
 *
 * A tile holds the header and a moments + last slot per field (tiles.ts), then only what the view's features
 * need beyond that: a `first` triple per field read by a time-window `first`, `delta` or `rate`, and an
 * exponentially weighted intermediate (ew-moments.ts) per (field, halfLife) of a time-window or lifetime `ewma`,
 * `ewvar` or `ewstd`. Sketches vary in size and live beside the tiles (tile-sketches.ts), one per (field, kind)
 * of a time-window `approx_percentile` or `approx_count_distinct`. Views without these aggregations keep the
 * layout they always had.
 */
import { EW_SIZE } from './ew-moments.js';
import type { Aggregation, CompiledFeature, CompiledView, WindowKind } from './feature-view.js';
import { LAST_SIZE } from './last-value.js';
import { tileStride } from './tiles.js';

export interface FeaturePlan {
  name: string;
  agg: Aggregation;
  kind: WindowKind;
  /** Slot of the feature's field; FIELDLESS_SLOT for the field-less `count`, UNKNOWN_FIELD when not in the plan. */
  field: number;
  /** Time windows: length in tiles. */
  windowTiles: number;
  /** Count windows: N. */
  events: number;
  halfLifeMs: number;
  p: number;
  /** Offset within a tile of the field's `first` triple; -1 when the tiles keep none. */
  firstAt: number;
  /** Index in plan.ew of the feature's ew intermediate; -1 when none. */
  ew: number;
  /** Index in plan.sketches of the feature's sketch; -1 when none. */
  sketch: number;
}

export interface EwSlot {
  field: number;
  halfLifeMs: number;
  /** Read by a lifetime feature: the engine keeps a base for it (EntityState.ewBase). */
  lifetime: boolean;
  /** Offset within a tile. */
  at: number;
}

export type SketchKind = 'quantile' | 'distinct';

export interface SketchSlot {
  field: number;
  kind: SketchKind;
}

export interface EnginePlan {
  granularityMs: number;
  allowedLatenessMs: number;
  /**
   * Field slots: view.fields, then any feature field it lacks (defensive; the compiler lists them all), then
   * RECORD_FIELD when a time-window or lifetime `time_since_last` has no field (every record carries it, as 0).
   */
  fields: string[];
  /** Slot of RECORD_FIELD, -1 when absent. */
  recordSlot: number;
  /**
   * Per field slot: whether its tile moments and last are read (a time-window or lifetime feature other than the
   * sketches and EW ones reads the field). Other fields leave them zero: 9 one-byte numbers per tile.
   */
  inTiles: boolean[];
  /** Numbers per tile. */
  stride: number;
  /** Per field slot: offset within a tile of its `first` triple, or -1. */
  firstAt: number[];
  ew: EwSlot[];
  sketches: SketchSlot[];
  /**
   * Tiles kept behind the watermark's tile: at least ceil((largest time window + allowedLateness) / g); 0 for a
   * view without time windows, whose state is then bounded by its definition alone (the lifetime bases and the
   * count-window lists), whatever the stream's event times.
   */
  retainedTiles: number;
  /** Count-window capacity per field slot, and at index fields.length the capacity for field-less counts. */
  caps: number[];
  features: FeaturePlan[];
}

/** Slot of a field-less `count` feature (its count-window list is the one at index fields.length). */
export const FIELDLESS_SLOT = -1;
/** Slot of a feature whose field the plan does not know. */
export const UNKNOWN_FIELD = -2;
/** The pseudo-field of a field-less `time_since_last` (no record field is named ''). */
export const RECORD_FIELD = '';

const plans = new WeakMap<CompiledView, EnginePlan>();

export function planOf(view: CompiledView): EnginePlan {
  let plan = plans.get(view);
  if (plan === undefined) {
    plan = buildPlan(view);
    plans.set(view, plan);
  }
  return plan;
}

const FIRST_AGGS: readonly Aggregation[] = ['first', 'delta', 'rate'];
const EW_AGGS: readonly Aggregation[] = ['ewma', 'ewvar', 'ewstd'];

function buildPlan(view: CompiledView): EnginePlan {
  const g = view.granularityMs;
  const fields = [...view.fields];
  for (const f of view.features) if (f.field !== undefined && !fields.includes(f.field)) fields.push(f.field);
  const caps = fields.map((f) => view.eventsPerField[f] ?? 0);
  const needsRecord = view.features.some(
    (f) => f.agg === 'time_since_last' && f.field === undefined && f.kind !== 'events',
  );
  const recordSlot = needsRecord ? fields.length : -1;
  if (needsRecord) {
    fields.push(RECORD_FIELD);
    caps.push(0);
  }
  caps.push(0);
  let at = tileStride(fields.length);
  const firstAt = fields.map(() => -1);
  const ew: EwSlot[] = [];
  const sketches: SketchSlot[] = [];
  for (const f of view.features) {
    const slot = f.field === undefined ? -1 : fields.indexOf(f.field);
    if (slot < 0) continue;
    if (f.kind === 'time' && FIRST_AGGS.includes(f.agg) && firstAt[slot] === -1) {
      firstAt[slot] = at;
      at += LAST_SIZE;
    }
  }
  for (const f of view.features) {
    const slot = f.field === undefined ? -1 : fields.indexOf(f.field);
    if (slot < 0 || !EW_AGGS.includes(f.agg) || f.kind === 'events') continue;
    const h = f.halfLifeMs ?? 0;
    const found = ew.find((e) => e.field === slot && e.halfLifeMs === h);
    if (found) found.lifetime ||= f.kind === 'lifetime';
    else {
      ew.push({ field: slot, halfLifeMs: h, lifetime: f.kind === 'lifetime', at });
      at += EW_SIZE;
    }
  }
  for (const f of view.features) {
    const slot = f.field === undefined ? -1 : fields.indexOf(f.field);
    const kind = sketchKind(f.agg);
    if (slot < 0 || kind === undefined || f.kind !== 'time') continue;
    if (!sketches.some((s) => s.field === slot && s.kind === kind)) sketches.push({ field: slot, kind });
  }
  const inTiles = fields.map(() => false);
  for (const f of view.features) {
    const slot =
      f.field === undefined ? (f.agg === 'time_since_last' ? recordSlot : -1) : fields.indexOf(f.field);
    if (slot >= 0 && f.kind !== 'events' && sketchKind(f.agg) === undefined && !EW_AGGS.includes(f.agg))
      inTiles[slot] = true;
  }
  const partial = { fields, granularityMs: g, firstAt, ew, sketches, recordSlot };
  let largestWindowMs = 0;
  const features = view.features.map((f) => featurePlan(f, partial));
  for (const f of features) {
    if (f.kind === 'events') {
      const slot = f.field === FIELDLESS_SLOT ? fields.length : f.field;
      if (slot >= 0) caps[slot] = Math.max(caps[slot]!, f.events);
    } else if (f.kind === 'time') largestWindowMs = Math.max(largestWindowMs, f.windowTiles * g);
  }
  const needed = Math.ceil((largestWindowMs + view.allowedLatenessMs) / g);
  // Without a time window a tile would serve only lifetime features, which their bases serve exactly as of
  // T >= watermark; keeping tiles for the lateness would grow with every distinct event time.
  const retainedTiles = largestWindowMs > 0 ? Math.max(view.retainedTiles, needed) : 0;
  return {
    granularityMs: g,
    allowedLatenessMs: view.allowedLatenessMs,
    fields,
    recordSlot,
    inTiles,
    stride: at,
    firstAt,
    ew,
    sketches,
    retainedTiles,
    caps,
    features,
  };
}

function sketchKind(agg: Aggregation): SketchKind | undefined {
  if (agg === 'approx_percentile') return 'quantile';
  if (agg === 'approx_count_distinct') return 'distinct';
  return undefined;
}

type PlanLayout = Pick<EnginePlan, 'fields' | 'granularityMs' | 'firstAt' | 'ew' | 'sketches' | 'recordSlot'>;

export function featurePlan(f: CompiledFeature, plan: PlanLayout): FeaturePlan {
  const windowTiles = f.windowTiles ?? Math.ceil((f.windowMs ?? 0) / plan.granularityMs);
  let field: number;
  if (f.field !== undefined)
    field = plan.fields.includes(f.field) ? plan.fields.indexOf(f.field) : UNKNOWN_FIELD;
  else if (f.agg === 'time_since_last' && f.kind !== 'events')
    field = plan.recordSlot >= 0 ? plan.recordSlot : UNKNOWN_FIELD;
  else field = FIELDLESS_SLOT;
  const halfLifeMs = f.halfLifeMs ?? 0;
  const kind = sketchKind(f.agg);
  return {
    name: f.name,
    agg: f.agg,
    kind: f.kind,
    field,
    windowTiles,
    events: f.events ?? 0,
    halfLifeMs,
    p: f.p ?? 0,
    firstAt: field >= 0 && f.kind === 'time' ? (plan.firstAt[field] ?? -1) : -1,
    ew:
      f.kind === 'events' || !EW_AGGS.includes(f.agg)
        ? -1
        : plan.ew.findIndex((e) => e.field === field && e.halfLifeMs === halfLifeMs),
    sketch:
      f.kind === 'time' && kind !== undefined
        ? plan.sketches.findIndex((s) => s.field === field && s.kind === kind)
        : -1,
  };
}
