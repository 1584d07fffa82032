/**
 * The `CreateFeatureGroup` input that matches a feature view's SageMaker sink (pure). The record identifier and
 * the event time are `String` features (event time as ISO-8601 with milliseconds, UTC); the counts (`count`,
 * `approx_count_distinct`: whole numbers) are `Integral`, every other aggregate `Fractional`. Only the online store is configured: the sink writes current
 * values, and an offline store needs an S3 location and a role only the operator can choose.
 */
import type { Aggregation, FeatureView } from './feature-view.js';
import { DEFAULT_EVENT_TIME_FEATURE_NAME } from './resolve-sagemaker-sink.js';
import { type SageMakerSink, type TtlDuration, ttlDuration } from './sagemaker-record.js';

/** Aggregations whose values are always whole numbers. */
const INTEGRAL: readonly Aggregation[] = ['count', 'approx_count_distinct'];

export type SageMakerFeatureType = 'String' | 'Integral' | 'Fractional';

export interface CreateFeatureGroupInput {
  FeatureGroupName: string;
  RecordIdentifierFeatureName: string;
  EventTimeFeatureName: string;
  FeatureDefinitions: { FeatureName: string; FeatureType: SageMakerFeatureType }[];
  OnlineStoreConfig: { EnableOnlineStore: true; TtlDuration?: TtlDuration };
  Description?: string;
}

/** The view's resolved SageMaker sink, or null when it has none. */
export function sinkOf(view: Pick<FeatureView, 'sinks' | 'entityKey'>): SageMakerSink | null {
  const s = view.sinks?.sagemaker;
  if (!s) return null;
  return {
    featureGroupName: s.featureGroupName,
    recordIdentifierFeatureName: s.recordIdentifierFeatureName ?? view.entityKey,
    eventTimeFeatureName: s.eventTimeFeatureName ?? DEFAULT_EVENT_TIME_FEATURE_NAME,
  };
}

export function createFeatureGroupInput(
  view: FeatureView,
  sink: SageMakerSink,
  ttlMs: number | null,
): CreateFeatureGroupInput {
  return {
    FeatureGroupName: sink.featureGroupName,
    RecordIdentifierFeatureName: sink.recordIdentifierFeatureName,
    EventTimeFeatureName: sink.eventTimeFeatureName,
    FeatureDefinitions: [
      { FeatureName: sink.recordIdentifierFeatureName, FeatureType: 'String' },
      { FeatureName: sink.eventTimeFeatureName, FeatureType: 'String' },
      ...view.features.map((f) => ({
        FeatureName: f.name,
        FeatureType: (INTEGRAL.includes(f.agg) ? 'Integral' : 'Fractional') as SageMakerFeatureType,
      })),
    ],
    OnlineStoreConfig: {
      EnableOnlineStore: true,
      ...(ttlMs !== null && { TtlDuration: ttlDuration(ttlMs) }),
    },
    Description: `Eddy feature view ${view.name} v${view.version}`.slice(0, 128),
  };
}
