/**
 * The SageMaker Feature Store record of one entity (docs/architecture.md#sagemaker-feature-store-sink), pure.
 *
 * A record holds the record identifier feature (the entity id), the event time feature and every non-null,
 * finite feature value, all as `ValueAsString`. Numbers are written so that they parse back to the same double
 * (`String(n)` is the shortest round-tripping form in JS; `-0` is written as `-0`). Event times are ISO-8601 UTC
 * with milliseconds.
 */
import { createHash } from 'node:crypto';
import type { FeatureValues } from './engine.js';

/** A resolved `sinks.sagemaker` (every name defaulted by resolve-view.ts). */
export interface SageMakerSink {
  featureGroupName: string;
  recordIdentifierFeatureName: string;
  eventTimeFeatureName: string;
}

export interface FeatureValueString {
  FeatureName: string;
  ValueAsString: string;
}

export type TtlUnit = 'Seconds' | 'Minutes' | 'Hours' | 'Days' | 'Weeks';
/** AWS `TtlDuration`: records expire at `EventTime + TtlDuration`. */
export interface TtlDuration {
  Unit: TtlUnit;
  /** Whole units, at least 1. */
  Value: number;
}

/** The text of a finite double that parses back (Number, Java, Python) to the same double, sign of zero included. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Epoch ms -> `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC), the event time format SageMaker accepts. */
export const formatEventTime = (ms: number): string => new Date(ms).toISOString();

/**
 * The record without its event time: the identifier, then each feature in view order. Null and non-finite values
 * are left out (SageMaker has no null; an absent feature reads as missing).
 */
export function recordContent(
  sink: SageMakerSink,
  entity: string,
  featureOrder: readonly string[],
  values: FeatureValues,
): FeatureValueString[] {
  const out: FeatureValueString[] = [
    { FeatureName: sink.recordIdentifierFeatureName, ValueAsString: entity },
  ];
  for (const name of featureOrder) {
    const v = values[name];
    if (v !== null && v !== undefined && Number.isFinite(v))
      out.push({ FeatureName: name, ValueAsString: formatNumber(v) });
  }
  return out;
}

/** The full record: content plus the event time feature (right after the identifier). */
export function withEventTime(
  sink: SageMakerSink,
  content: readonly FeatureValueString[],
  eventTimeMs: number,
): FeatureValueString[] {
  const [id, ...rest] = content;
  const time = { FeatureName: sink.eventTimeFeatureName, ValueAsString: formatEventTime(eventTimeMs) };
  return id ? [id, time, ...rest] : [time];
}

/** A short digest of a record's content, to tell whether SageMaker already holds it. */
export function contentDigest(content: readonly FeatureValueString[]): string {
  const h = createHash('sha1');
  for (const f of content) h.update(`${f.FeatureName}\u0000${f.ValueAsString}\u0000`);
  return h.digest('base64url');
}

/** A view's ttl as a whole-unit `TtlDuration`: the largest unit that divides it, else seconds rounded up. */
export function ttlDuration(ttlMs: number): TtlDuration {
  const units: [TtlUnit, number][] = [
    ['Weeks', 604_800_000],
    ['Days', 86_400_000],
    ['Hours', 3_600_000],
    ['Minutes', 60_000],
  ];
  for (const [Unit, ms] of units) if (ttlMs % ms === 0) return { Unit, Value: ttlMs / ms };
  return { Unit: 'Seconds', Value: Math.max(1, Math.ceil(ttlMs / 1000)) };
}
