/**
 * Online reads (PRODUCT.md §4): load every requested entity in one round trip and finalize its windows at
 * `asOf` with the same engine the workers use, so rolling values decay correctly when events stop.
 */
import { evaluate, watermarkOf } from '../core/engine.js';
import { EddyError, ErrorCode } from '../core/errors.js';
import type { CompiledFeature } from '../core/feature-view.js';
import type { EntityStore } from '../ports/entity-store.js';
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
  entities: EntityStore;
  clock?: () => number;
}

export async function readOnlineFeatures(deps: ReadDeps, req: ReadRequest): Promise<OnlineFeatures> {
  const { view, compiled } = await deps.catalog.get(req.featureView, req.version);
  const features = selectFeatures(compiled.features, req.features);
  const now = (deps.clock ?? Date.now)();
  const loaded = await deps.entities.load(view.name, view.version, req.entities);
  const results = req.entities.map((entity, i): EntityResult => {
    const stored = loaded[i]?.stored ?? null;
    const watermark = stored ? watermarkOf(stored.s) : null;
    if (!stored || watermark === null) {
      return {
        entity,
        status: 'NOT_FOUND',
        eventTime: null,
        values: Object.fromEntries(features.map((f) => [f.name, null])),
      };
    }
    const at = req.asOf === 'now' ? now : req.asOf === 'latest' ? watermark : req.asOf;
    return {
      entity,
      status: 'PRESENT',
      eventTime: new Date(watermark).toISOString(),
      values: evaluate(compiled, stored.s, at, features),
    };
  });
  return { featureView: view.name, version: view.version, results };
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
