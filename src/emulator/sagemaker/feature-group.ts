import type { TtlDuration, TtlUnit } from '../../core/sagemaker-record.js';
import { validationError } from './errors.js';

export type { TtlDuration, TtlUnit };

/** How a group's EventTime feature is typed (AWS allows String or Fractional). */
export type EventTimeFeatureType = 'String' | 'Fractional';

/** What the emulator needs to know about a feature group (the control-plane part of CreateFeatureGroup). */
export interface FeatureGroupDefinition {
  recordIdentifierFeatureName: string;
  eventTimeFeatureName: string;
  /**
   * `String`: ISO-8601 `yyyy-MM-ddTHH:mm:ssZ` or `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC). `Fractional`: Unix seconds.
   * @defaultValue 'String'
   */
  eventTimeFeatureType?: EventTimeFeatureType;
  /**
   * The group's features. When given, a record or a FeatureName filter naming any other feature is a
   * ValidationError, as on AWS. @defaultValue undefined (any well-formed feature name is accepted)
   */
  featureNames?: readonly string[];
  /** Group-level TTL; a PutRecord TtlDuration overrides it. @defaultValue undefined (records never expire) */
  ttlDuration?: TtlDuration;
}

/** AWS pattern for feature names and feature group names (max 64 characters). */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]){0,63}$/;
const ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:feature-group\/(.+)$/;
export const TTL_UNITS: readonly TtlUnit[] = ['Seconds', 'Minutes', 'Hours', 'Days', 'Weeks'];

/** The group name from a name or a feature-group ARN (both are accepted wherever AWS takes `FeatureGroupName`). */
export function resolveFeatureGroupName(nameOrArn: string): string {
  const name = ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
  if (!SAGEMAKER_NAME.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${nameOrArn}' at 'featureGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${SAGEMAKER_NAME.source}`,
    );
  }
  return name;
}

export function parseTtlDuration(input: unknown, field: string): TtlDuration {
  const ttl = input as Partial<TtlDuration> | null;
  if (typeof ttl !== 'object' || ttl === null || !TTL_UNITS.includes(ttl.Unit as TtlUnit)) {
    throw validationError(`${field}.Unit must be one of ${TTL_UNITS.join(', ')}`);
  }
  if (!Number.isInteger(ttl.Value) || (ttl.Value as number) < 1) {
    throw validationError(`${field}.Value must be an integer >= 1`);
  }
  return { Unit: ttl.Unit as TtlUnit, Value: ttl.Value as number };
}

/** Validates a definition from options, env or the admin endpoint; throws a ValidationError naming the field. */
export function parseFeatureGroupDefinition(input: unknown): FeatureGroupDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw validationError('feature group definition must be an object');
  }
  const raw = input as Record<string, unknown>;
  const name = (field: string): string => {
    const value = raw[field];
    if (typeof value !== 'string' || !SAGEMAKER_NAME.test(value)) {
      throw validationError(`${field} must be a feature name matching ${SAGEMAKER_NAME.source}`);
    }
    return value;
  };
  const def: FeatureGroupDefinition = {
    recordIdentifierFeatureName: name('recordIdentifierFeatureName'),
    eventTimeFeatureName: name('eventTimeFeatureName'),
  };
  if (def.recordIdentifierFeatureName === def.eventTimeFeatureName) {
    throw validationError('recordIdentifierFeatureName and eventTimeFeatureName must differ');
  }
  if (raw.eventTimeFeatureType !== undefined) {
    if (raw.eventTimeFeatureType !== 'String' && raw.eventTimeFeatureType !== 'Fractional') {
      throw validationError('eventTimeFeatureType must be String or Fractional');
    }
    def.eventTimeFeatureType = raw.eventTimeFeatureType;
  }
  if (raw.featureNames !== undefined) {
    const names = raw.featureNames;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && SAGEMAKER_NAME.test(n))) {
      throw validationError(`featureNames must be a list of feature names matching ${SAGEMAKER_NAME.source}`);
    }
    for (const required of [def.recordIdentifierFeatureName, def.eventTimeFeatureName]) {
      if (!names.includes(required)) throw validationError(`featureNames must include '${required}'`);
    }
    def.featureNames = [...new Set(names as string[])];
  }
  if (raw.ttlDuration !== undefined) def.ttlDuration = parseTtlDuration(raw.ttlDuration, 'ttlDuration');
  return def;
}
