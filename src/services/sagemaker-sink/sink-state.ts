/**
 * `GET /v1/feature-views/{name}/sagemaker`: the `CreateFeatureGroup` input that matches a view version's sink, and
 * the sink's state (pending entities, counters, dead letters, last error).
 */
import { EddyError, ErrorCode } from '../../core/errors.js';
import {
  type CreateFeatureGroupInput,
  createFeatureGroupInput,
  sinkOf,
} from '../../core/sagemaker-feature-group.js';
import type {
  SinkCounters,
  SinkDeadLetterStore,
  SinkPendingSet,
  SinkStats,
} from '../../ports/sagemaker-sink-store.js';
import type { ViewCatalog } from '../view-catalog.js';

export interface SinkStateDeps {
  catalog: ViewCatalog;
  pending: SinkPendingSet;
  deadLetters: SinkDeadLetterStore;
  stats: SinkStats;
  sendTtl: boolean;
}

export interface SinkState {
  featureView: string;
  version: number;
  createFeatureGroup: CreateFeatureGroupInput;
  /** Counters are per view (every version); `pending` and `deadLetters` are current sizes. */
  state: SinkCounters & { pending: number; deadLetters: number };
}

export async function sageMakerSinkState(
  deps: SinkStateDeps,
  name: string,
  version?: number,
): Promise<SinkState> {
  const { view, compiled } = await deps.catalog.get(name, version);
  const sink = sinkOf(view);
  if (!sink) throw sinkNotConfigured(view.name, view.version);
  const [pending, deadLetters, counters] = await Promise.all([
    deps.pending.count(view.name),
    deps.deadLetters.count(view.name),
    deps.stats.read(view.name),
  ]);
  return {
    featureView: view.name,
    version: view.version,
    createFeatureGroup: createFeatureGroupInput(view, sink, deps.sendTtl ? compiled.ttlMs : null),
    state: { pending, deadLetters, ...counters },
  };
}

export const sinkNotConfigured = (name: string, version: number) =>
  new EddyError(
    ErrorCode.SINK_NOT_CONFIGURED,
    `feature view '${name}' version ${version} has no SageMaker sink (sinks.sagemaker)`,
  );
