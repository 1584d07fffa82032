/**
 * The checks every part of a feature-view spec shares: names, record fields and durations. Every failure is an
 * `EddyError` INVALID_FEATURE_VIEW whose `field` is a JSON pointer and whose message starts with that pointer.
 */
import { parseDuration } from './duration.js';
import { invalidView } from './errors.js';

/** View and feature names. */
export const VIEW_NAME_PATTERN = '^[a-z][a-z0-9_]{0,62}$';
/** Kinesis stream names (AWS `StreamName`, 1..128 characters). */
export const STREAM_NAME_PATTERN = '^[a-zA-Z0-9_.-]+$';
/** SageMaker Feature Store `FeatureGroupName` and `FeatureName`. */
export const SAGEMAKER_NAME_PATTERN = '^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$';
export const MAX_RECORD_FIELD_LENGTH = 128;

const VIEW_NAME = new RegExp(VIEW_NAME_PATTERN);

/** The error for the spec field at JSON pointer `field`. */
export const fail = (field: string, message: string) => invalidView(field, `${field}: ${message}`);

/** A view or feature name. */
export function checkName(path: string, name: unknown): void {
  if (typeof name !== 'string' || !VIEW_NAME.test(name))
    throw fail(path, `name must match ${VIEW_NAME_PATTERN}`);
}

/** Record fields are top-level keys of the incoming JSON objects. `__proto__` is refused: it cannot be a plain key. */
export function checkRecordField(path: string, field: unknown): void {
  if (typeof field !== 'string' || field.length === 0 || field.length > MAX_RECORD_FIELD_LENGTH) {
    throw fail(path, `must be a field name of 1 to ${MAX_RECORD_FIELD_LENGTH} characters`);
  }
  if (field === '__proto__') throw fail(path, "'__proto__' cannot be used as a field name");
}

export function requiredDuration(path: string, text: string): number {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ms === undefined) throw fail(path, `'${String(text)}' is not a duration (e.g. 500ms, 10s, 5m, 1h, 7d)`);
  return ms;
}

export function optionalDuration(path: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : requiredDuration(path, text);
}
