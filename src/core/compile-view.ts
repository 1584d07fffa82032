/**
 * The engine's form of a stored feature view: durations in milliseconds and the bounds derived from them.
 * The input must be a resolved view (src/core/resolve-view.ts); an unparseable duration here is a bug, not a user
 * error, and throws a RangeError.
 */
import { parseDuration } from './duration.js';
import type { CompiledFeature, CompiledView, FeatureView } from './feature-view.js';
import { compileTransform } from './transform/compile-transform.js';

/** Key of `eventsPerField` for field-less `count` features over a count window (they need events, not values). */
export const FIELDLESS_KEY = '';

export function compileView(view: FeatureView): CompiledView {
  const granularityMs = durationMs(view.granularity);
  const allowedLatenessMs = durationMs(view.allowedLateness);
  const fields: string[] = [];
  const eventsPerField: Record<string, number> = {};
  let largestWindowMs = 0;

  const features = view.features.map((f): CompiledFeature => {
    if (f.field !== undefined && !fields.includes(f.field)) {
      fields.push(f.field);
      eventsPerField[f.field] ??= 0;
    }
    if (f.window !== undefined) {
      const windowMs = durationMs(f.window);
      largestWindowMs = Math.max(largestWindowMs, windowMs);
      return { ...base(f), kind: 'time', windowMs, windowTiles: windowMs / granularityMs };
    }
    if (f.events !== undefined) {
      const key = f.field ?? FIELDLESS_KEY;
      eventsPerField[key] = Math.max(eventsPerField[key] ?? 0, f.events);
      return { ...base(f), kind: 'events', events: f.events };
    }
    return { ...base(f), kind: 'lifetime' };
  });

  return {
    name: view.name,
    version: view.version,
    entityKey: view.entityKey,
    ...(view.eventTime !== undefined && { eventTimeField: view.eventTime.field }),
    ...(view.eventIdField !== undefined && { eventIdField: view.eventIdField }),
    granularityMs,
    allowedLatenessMs,
    ttlMs: durationMs(view.ttl),
    features,
    fields,
    // No time window, no tiles: lifetime `last` and count windows keep their own bounded state (engine-plan.ts).
    ...stringFieldsOf(view),
    retainedTiles: largestWindowMs > 0 ? Math.ceil((largestWindowMs + allowedLatenessMs) / granularityMs) : 0,
    eventsPerField,
    ...(view.transform !== undefined && {
      transform: { ...compileTransform(view.transform), read: readKeys(view, fields) },
    }),
  };
}

/** The record keys a decode reads: entity key, event time, event id and feature fields. */
function readKeys(view: FeatureView, fields: readonly string[]) {
  const keys = new Set([view.entityKey, ...fields]);
  if (view.eventTime !== undefined) keys.add(view.eventTime.field);
  if (view.eventIdField !== undefined) keys.add(view.eventIdField);
  return { keys: [...keys], ...(view.eventIdField !== undefined && { eventIdField: view.eventIdField }) };
}

/** Fields read only by `approx_count_distinct` (where strings are values too), when there are any. */
function stringFieldsOf(view: FeatureView): { stringFields?: string[] } {
  const distinct = new Set<string>();
  const other = new Set<string>();
  for (const f of view.features) {
    if (f.field === undefined) continue;
    (f.agg === 'approx_count_distinct' ? distinct : other).add(f.field);
  }
  const stringFields = [...distinct].filter((field) => !other.has(field));
  return stringFields.length > 0 ? { stringFields } : {};
}

function base(f: FeatureView['features'][number]): Omit<CompiledFeature, 'kind'> {
  const out: Omit<CompiledFeature, 'kind'> = { name: f.name, agg: f.agg };
  if (f.field !== undefined) out.field = f.field;
  if (f.halfLife !== undefined) out.halfLifeMs = durationMs(f.halfLife);
  if (f.p !== undefined) out.p = f.p;
  return out;
}

function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a duration: '${text}' (compile resolved views only)`);
  return ms;
}
