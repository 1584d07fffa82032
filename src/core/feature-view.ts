/**
 * Feature view definitions (docs/semantics.md#feature-views).
 *
 * `FeatureViewSpec` is what a client sends; `FeatureView` is what the registry stores and returns (every default
 * resolved); `CompiledView` is the engine's form with durations in milliseconds and derived bounds.
 */
import type { TransformSpec } from './transform/compile-transform.js';
import type { ViewTransform } from './transform/run-transform.js';

export const AGGREGATIONS = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'variance',
  'stddev_samp',
  'var_samp',
  'last',
  'first',
  'range',
  'delta',
  'rate',
  'zscore',
  'ewma',
  'ewvar',
  'ewstd',
  'approx_percentile',
  'approx_count_distinct',
  'time_since_last',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Aggregations over exponentially weighted moments: they need a `halfLife`. */
export const EW_AGGREGATIONS: readonly Aggregation[] = ['ewma', 'ewvar', 'ewstd'];
/** Aggregations that may have neither `window` nor `events` (lifetime). */
export const LIFETIME_AGGREGATIONS: readonly Aggregation[] = [
  'last',
  'ewma',
  'ewvar',
  'ewstd',
  'time_since_last',
];
/** Aggregations that may omit `field`. */
export const FIELDLESS_AGGREGATIONS: readonly Aggregation[] = ['count', 'time_since_last'];

export type StartPosition = 'LATEST' | 'TRIM_HORIZON' | { atTimestamp: string };

export type SourceSpec =
  | { type: 'kinesis'; streamName: string; startPosition?: StartPosition }
  | { type: 'push' };

export interface FeatureSpec {
  name: string;
  agg: Aggregation;
  /** Record field the aggregate reads; required for every aggregation but `count`. */
  field?: string;
  /** Time window, a duration string such as `5m`. */
  window?: string;
  /** Count window: the last N events by event time, 1..1000. */
  events?: number;
  /** `ewma`, `ewvar`, `ewstd`: the half-life of the weights, a duration string. */
  halfLife?: string;
  /** `approx_percentile`: the quantile, in (0, 1). */
  p?: number;
}

export interface SageMakerSinkSpec {
  featureGroupName: string;
  recordIdentifierFeatureName?: string;
  eventTimeFeatureName?: string;
}

export interface FeatureViewSpec {
  name: string;
  description?: string;
  entityKey: string;
  eventTime?: { field: string };
  source: SourceSpec;
  granularity?: string;
  allowedLateness?: string;
  ttl?: string;
  eventIdField?: string;
  features: FeatureSpec[];
  transform?: TransformSpec;
  sinks?: { sagemaker?: SageMakerSinkSpec };
}

/** A stored definition: the spec with every default resolved, plus registry metadata. */
export interface FeatureView extends FeatureViewSpec {
  version: number;
  /** ISO-8601 UTC. */
  createdAt: string;
  granularity: string;
  allowedLateness: string;
  ttl: string;
}

export type WindowKind = 'time' | 'events' | 'lifetime';

export interface CompiledFeature {
  name: string;
  agg: Aggregation;
  field?: string;
  kind: WindowKind;
  /** Time windows only: the window length in ms and in tiles. */
  windowMs?: number;
  windowTiles?: number;
  /** Count windows only. */
  events?: number;
  /** `ewma`, `ewvar`, `ewstd`: the half-life in ms. */
  halfLifeMs?: number;
  /** `approx_percentile`: the quantile. */
  p?: number;
}

/** The engine's view of a definition: all durations in milliseconds. */
export interface CompiledView {
  name: string;
  version: number;
  entityKey: string;
  /** Absent: arrival time is the event time. */
  eventTimeField?: string;
  eventIdField?: string;
  granularityMs: number;
  allowedLatenessMs: number;
  ttlMs: number;
  features: CompiledFeature[];
  /** Distinct fields read by any feature, in first-use order. */
  fields: string[];
  /**
   * Tiles kept behind the tile of the watermark: ceil((largest time window + allowedLateness) / granularity);
   * 0 without a time window (no tile is kept then).
   */
  retainedTiles: number;
  /** Per field, the most events any count window over it needs (0 when none). */
  eventsPerField: Record<string, number>;
  /**
   * Fields read only by `approx_count_distinct` features: a string there is a valid value (decode-record.ts).
   * Absent when there are none.
   */
  stringFields?: string[];
  /** The view's transform, compiled once per version; absent when records are read as they come. */
  transform?: ViewTransform;
}
