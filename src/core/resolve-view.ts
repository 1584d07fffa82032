/**
 * Semantic validation of a feature-view spec and resolution of its defaults (docs/semantics.md).
 *
 * The HTTP schema (src/http/schemas/feature-view.ts) checks shapes and limits; this module checks the rules that
 * relate fields to each other and is safe to call on unvalidated input typed as a spec. Every failure is an
 * `EddyError` with code INVALID_FEATURE_VIEW whose `field` is a JSON pointer (`/features/2/window`) and whose
 * message starts with that pointer. The parts: resolve-features, resolve-source,
 * resolve-time-settings (with view-granularity), resolve-sagemaker-sink, view-spec-checks (names, fields, durations)
 * and transform/compile-transform (INVALID_EXPRESSION for an expression that does not compile).
 */

import { parseDuration } from './duration.js';
import type { FeatureView, FeatureViewSpec } from './feature-view.js';
import { parseIsoInstant } from './record-event-time.js';
import { resolveFeatures } from './resolve-features.js';
import { resolveSageMakerSink } from './resolve-sagemaker-sink.js';
import { resolveSource } from './resolve-source.js';
import { resolveTimeSettings } from './resolve-time-settings.js';
import { compileTransform, type TransformSpec } from './transform/compile-transform.js';
import { checkName, checkRecordField, fail } from './view-spec-checks.js';

/**
 * Validates `spec` and returns the stored definition with every default explicit: `granularity`,
 * `allowedLateness`, `ttl`, `source.startPosition` (Kinesis) and the SageMaker feature names. Duration strings
 * the client sent are kept as sent; durations the service chose are written by `formatDuration`.
 * @throws EddyError INVALID_FEATURE_VIEW naming the first offending field.
 */
export function resolveView(spec: FeatureViewSpec, version: number, createdAt: Date): FeatureView {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`invalid version ${version}`);
  checkName('/name', spec.name);
  if (
    spec.description !== undefined &&
    (typeof spec.description !== 'string' || spec.description.length > 1024)
  ) {
    throw fail('/description', 'must be a string of at most 1024 characters');
  }
  checkRecordField('/entityKey', spec.entityKey);
  if (spec.eventTime !== undefined) checkRecordField('/eventTime/field', spec.eventTime?.field);
  if (spec.eventIdField !== undefined) checkRecordField('/eventIdField', spec.eventIdField);
  const source = resolveSource(spec.source);

  const { features, windows } = resolveFeatures(spec.features);
  const transform = spec.transform === undefined ? undefined : resolveTransform(spec.transform);
  const { granularity, allowedLateness, ttl } = resolveTimeSettings(spec, windows);

  const sagemaker =
    spec.sinks?.sagemaker && resolveSageMakerSink(spec.sinks.sagemaker, spec.entityKey, features);

  return {
    name: spec.name,
    version,
    createdAt: createdAt.toISOString(),
    ...(spec.description !== undefined && { description: spec.description }),
    entityKey: spec.entityKey,
    ...(spec.eventTime !== undefined && { eventTime: { field: spec.eventTime.field } }),
    source,
    granularity,
    allowedLateness,
    ttl,
    ...(spec.eventIdField !== undefined && { eventIdField: spec.eventIdField }),
    features,
    ...(transform && { transform }),
    ...(sagemaker && { sinks: { sagemaker } }),
  };
}

/** The transform as stored: compiled here only to be checked (the engine compiles it once per version). */
function resolveTransform(spec: TransformSpec): TransformSpec {
  compileTransform(spec);
  return {
    ...(spec.each !== undefined && { each: spec.each }),
    ...(spec.filter !== undefined && { filter: spec.filter }),
    ...(spec.fields !== undefined && { fields: { ...spec.fields } }),
  };
}

/**
 * True when two definitions mean the same thing: equal after resolving defaults, ignoring `version` and
 * `createdAt`, comparing durations by value (`60s` equals `1m`) and `atTimestamp` by instant. The description and
 * the order of features count. Used for "an unchanged definition sent again is a no-op".
 * @throws EddyError when either definition is invalid (resolve it first to get the error you want to report).
 */
export function sameDefinition(a: FeatureView | FeatureViewSpec, b: FeatureView | FeatureViewSpec): boolean {
  return canonical(a) === canonical(b);
}

function canonical(spec: FeatureViewSpec): string {
  const v = resolveView(spec, 1, new Date(0));
  const ms = (d: string) => parseDuration(d)!;
  const source =
    v.source.type === 'kinesis' && typeof v.source.startPosition === 'object'
      ? { ...v.source, startPosition: { atTimestamp: parseIsoInstant(v.source.startPosition.atTimestamp) } }
      : v.source;
  return JSON.stringify({
    ...v,
    version: undefined,
    createdAt: undefined,
    source,
    granularity: ms(v.granularity),
    allowedLateness: ms(v.allowedLateness),
    ttl: ms(v.ttl),
    features: v.features.map((f) => (f.window === undefined ? f : { ...f, window: ms(f.window) })),
  });
}
