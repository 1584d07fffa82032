/**
 * Online reads (the README's API section): load every requested entity in one round trip and finalize its windows at
 * `asOf` with the same engine the workers use, so rolling values decay correctly when events stop.
 *
 * Finalized values are memoized per state snapshot (ports/entity-snapshots.ts: one object per stored version),
 * tile of `asOf` and feature list, for reads as of the entity's watermark or later: time windows and lifetime
 * `last` depend on `asOf` only through its tile, and count windows then hold every retained event, so the
 * memoized values are exactly what `evaluate` would return. `time_since_last` depends on `asOf` itself: a feature
 * list with it is memoized per `asOf` instead of per tile.
 */
import { type EntityState, emptyValues, evaluate, type FeatureValues, watermarkOf } from '../core/engine.js';
import { EddyError, ErrorCode } from '../core/errors.js';
import type { CompiledFeature, CompiledView } from '../core/feature-view.js';
import { tileOf } from '../core/tiles.js';
import type { EntitySnapshots } from '../ports/entity-snapshots.js';
import type { EntityStore } from '../ports/entity-store.js';
import type { ReadMetrics } from '../ports/metrics.js';
import { checkReadCost } from './read-cost.js';
import type { ViewCatalog } from './view-catalog.js';

/** `now` (server clock), `latest` (each entity at its own watermark), or an epoch-ms instant. */
export type AsOf = 'now' | 'latest' | number;

export interface EntityResult {
  entity: string;
  status: 'PRESENT' | 'NOT_FOUND';
  /** The entity's watermark (greatest accepted event time), ISO-8601 UTC. */
  eventTime: string | null;
  values: Record<string, number | null>;
}

export interface OnlineFeatures {
  featureView: string;
  version: number;
  results: EntityResult[];
}

export interface ReadRequest {
  featureView: string;
  version?: number;
  entities: readonly string[];
  features?: readonly string[];
  asOf: AsOf;
}

export interface ReadDeps {
  catalog: ViewCatalog;
  /** Read-only, cached entity states (feature reads). */
  snapshots: EntitySnapshots;
  /** The entity store (reads that need the stored entity as written). */
  entities: EntityStore;
  clock?: () => number;
  /** Observes each successful read's wall time. */
  metrics?: ReadMetrics;
}

export async function readOnlineFeatures(deps: ReadDeps, req: ReadRequest): Promise<OnlineFeatures> {
  const started = performance.now();
  const { view, compiled } = await deps.catalog.get(req.featureView, req.version);
  checkReadCost(compiled, req.entities.length);
  const features = selectFeatures(compiled.features, req.features);
  const now = (deps.clock ?? Date.now)();
  const featureKey = req.features ? req.features.join(',') : '*';
  const states = await deps.snapshots.read(view.name, view.version, req.entities);
  let empty: FeatureValues | undefined; // one object for every entity not found in this request
  const results = req.entities.map((entity, i): EntityResult => {
    const state = states[i] ?? null;
    const watermark = state ? watermarkOf(state) : null;
    if (!state || watermark === null) {
      empty ??= emptyValues(features);
      return {
        entity,
        status: 'NOT_FOUND',
        eventTime: null,
        values: empty,
      };
    }
    const at = req.asOf === 'now' ? now : req.asOf === 'latest' ? watermark : req.asOf;
    const d = derivedOf(state, watermark);
    return {
      entity,
      status: 'PRESENT',
      eventTime: d.eventTime,
      values: valuesAt(compiled, state, d, at, features, featureKey),
    };
  });
  deps.metrics?.observeOnlineRead(view.name, (performance.now() - started) / 1000);
  return { featureView: view.name, version: view.version, results };
}

interface Memo {
  /** The tile of `asOf`, or `asOf` itself for a feature list with `time_since_last`. */
  tile: number;
  features: string;
  values: FeatureValues;
}

interface Derived {
  /** The watermark as ISO-8601. */
  eventTime: string;
  memos: Memo[];
}

/**
 * What reads derived from each snapshot: its event time and the last values finalized (a few feature lists).
 * Keyed by object identity like core/engine-plan.ts's plans, so it is dropped with the snapshot.
 */
const derived = new WeakMap<EntityState, Derived>();
const MEMOS_PER_STATE = 4;

function derivedOf(state: EntityState, watermark: number): Derived {
  let d = derived.get(state);
  if (!d) {
    d = { eventTime: new Date(watermark).toISOString(), memos: [] };
    derived.set(state, d);
  }
  return d;
}

/** `evaluate`, memoized when `at` is at or after the watermark (see the top of this file). */
function valuesAt(
  compiled: CompiledView,
  state: EntityState,
  d: Derived,
  at: number,
  features: readonly CompiledFeature[],
  featureKey: string,
): FeatureValues {
  if (state.watermark === null || at < state.watermark) return evaluate(compiled, state, at, features);
  const tile = features.some((f) => f.agg === 'time_since_last') ? at : tileOf(at, compiled.granularityMs);
  const hit = d.memos.find((m) => m.tile === tile && m.features === featureKey);
  if (hit) return hit.values;
  const values = evaluate(compiled, state, at, features);
  d.memos.push({ tile, features: featureKey, values });
  if (d.memos.length > MEMOS_PER_STATE) d.memos.shift();
  return values;
}

function selectFeatures(
  all: readonly CompiledFeature[],
  names?: readonly string[],
): readonly CompiledFeature[] {
  if (!names) return all;
  return names.map((name) => {
    const feature = all.find((f) => f.name === name);
    if (!feature)
      throw new EddyError(ErrorCode.UNKNOWN_FEATURE, `feature view has no feature '${name}'`, '/features');
    return feature;
  });
}

/** Parses `asOf` from a request: `now`, `latest`, epoch ms (number or digits) or ISO-8601 with a zone. */
export function parseAsOf(raw: string | number | undefined): AsOf {
  if (raw === undefined || raw === 'now') return 'now';
  if (raw === 'latest') return 'latest';
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string') {
    if (/^-?\d{1,16}$/.test(raw)) return Number(raw);
    if (/(Z|[+-]\d{2}:?\d{2})$/i.test(raw)) {
      const ms = Date.parse(raw);
      if (Number.isFinite(ms)) return ms;
    }
  }
  throw new EddyError(
    ErrorCode.INVALID_AS_OF,
    `asOf must be "now", "latest", epoch milliseconds or an ISO-8601 time with a zone`,
    '/asOf',
  );
}
