/**
 * A small CompiledView builder for engine tests, written from docs/semantics.md#feature-views and the CompiledView contract
 * (independent of the real compiler in src/core/compile-view.ts).
 */
import type { Aggregation, CompiledFeature, CompiledView } from '../../src/core/feature-view.js';

export interface TestFeature {
  name: string;
  agg: Aggregation;
  field?: string;
  /** Time window in ms (a multiple of the granularity). */
  windowMs?: number;
  /** Count window N. */
  events?: number;
  /** ewma, ewvar, ewstd. */
  halfLifeMs?: number;
  /** approx_percentile. */
  p?: number;
}

export interface TestViewOptions {
  granularityMs: number;
  /** Default: the largest time window (docs/semantics.md#feature-views). */
  allowedLatenessMs?: number;
  eventIdField?: string;
  features: TestFeature[];
}

export function compiledView(options: TestViewOptions): CompiledView {
  const g = options.granularityMs;
  const features: CompiledFeature[] = options.features.map((f) => {
    const base = {
      name: f.name,
      agg: f.agg,
      ...(f.field === undefined ? {} : { field: f.field }),
      ...(f.halfLifeMs === undefined ? {} : { halfLifeMs: f.halfLifeMs }),
      ...(f.p === undefined ? {} : { p: f.p }),
    };
    if (f.windowMs !== undefined)
      return { ...base, kind: 'time', windowMs: f.windowMs, windowTiles: f.windowMs / g };
    if (f.events !== undefined) return { ...base, kind: 'events', events: f.events };
    return { ...base, kind: 'lifetime' };
  });
  const largestWindow = Math.max(0, ...features.map((f) => f.windowMs ?? 0));
  const allowedLatenessMs = options.allowedLatenessMs ?? largestWindow;
  const fields: string[] = [];
  const eventsPerField: Record<string, number> = {};
  for (const f of features) {
    if (f.field === undefined) continue;
    if (!fields.includes(f.field)) fields.push(f.field);
    eventsPerField[f.field] = Math.max(eventsPerField[f.field] ?? 0, f.events ?? 0);
  }
  return {
    name: 'test_view',
    version: 1,
    entityKey: 'entity',
    ...(options.eventIdField === undefined ? {} : { eventIdField: options.eventIdField }),
    granularityMs: g,
    allowedLatenessMs,
    ttlMs: 7 * 86_400_000,
    features,
    fields,
    retainedTiles: largestWindow > 0 ? Math.ceil((largestWindow + allowedLatenessMs) / g) : 0,
    eventsPerField,
  };
}
