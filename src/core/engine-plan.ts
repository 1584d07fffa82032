/**
 * What the engine derives once per CompiledView: field slots, count-window capacities, retention. Cached per
 * view object (WeakMap), so callers that keep their CompiledView pay for it once.
 */
import type { Aggregation, CompiledFeature, CompiledView, WindowKind } from './feature-view.js';

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
}

export interface EnginePlan {
  granularityMs: number;
  allowedLatenessMs: number;
  /** Field slots: view.fields, then any feature field it lacks (defensive; the compiler lists them all). */
  fields: string[];
  /**
   * Tiles kept behind the watermark's tile: at least ceil((largest time window + allowedLateness) / g); 0 for a
   * view without time windows, whose state is then bounded by its definition alone (the lifetime-`last` base
   * and the count-window lists), whatever the stream's event times.
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

const plans = new WeakMap<CompiledView, EnginePlan>();

export function planOf(view: CompiledView): EnginePlan {
  let plan = plans.get(view);
  if (plan === undefined) {
    plan = buildPlan(view);
    plans.set(view, plan);
  }
  return plan;
}

function buildPlan(view: CompiledView): EnginePlan {
  const g = view.granularityMs;
  const fields = [...view.fields];
  for (const f of view.features) if (f.field !== undefined && !fields.includes(f.field)) fields.push(f.field);
  const caps = fields.map((f) => view.eventsPerField[f] ?? 0);
  caps.push(0);
  let largestWindowMs = 0;
  const features = view.features.map((f) => featurePlan(f, fields, g));
  for (const f of features) {
    if (f.kind === 'events') {
      const slot = f.field === FIELDLESS_SLOT ? fields.length : f.field;
      caps[slot] = Math.max(caps[slot]!, f.events);
    } else if (f.kind === 'time') largestWindowMs = Math.max(largestWindowMs, f.windowTiles * g);
  }
  const needed = Math.ceil((largestWindowMs + view.allowedLatenessMs) / g);
  // Without a time window a tile would serve only lifetime `last`, which the base serves exactly as of T >=
  // watermark; keeping tiles for the lateness would grow with every distinct event time.
  const retainedTiles = largestWindowMs > 0 ? Math.max(view.retainedTiles, needed) : 0;
  return {
    granularityMs: g,
    allowedLatenessMs: view.allowedLatenessMs,
    fields,
    retainedTiles,
    caps,
    features,
  };
}

export function featurePlan(
  f: CompiledFeature,
  fields: readonly string[],
  granularityMs: number,
): FeaturePlan {
  const windowTiles = f.windowTiles ?? Math.ceil((f.windowMs ?? 0) / granularityMs);
  return {
    name: f.name,
    agg: f.agg,
    kind: f.kind,
    field:
      f.field === undefined
        ? FIELDLESS_SLOT
        : fields.includes(f.field)
          ? fields.indexOf(f.field)
          : UNKNOWN_FIELD,
    windowTiles,
    events: f.events ?? 0,
  };
}
