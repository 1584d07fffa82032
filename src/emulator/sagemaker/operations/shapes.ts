import { validationError } from '../errors.js';
import { parseTtlDuration, SAGEMAKER_NAME, type TtlDuration } from '../feature-group.js';
import type { DeletionMode, FeatureValue, TargetStore } from '../store.js';

/** AWS limit on ValueAsString (and on each ValueAsStringList member), in characters. */
const MAX_VALUE_LENGTH = 358_400;

export function asObject(input: unknown, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw validationError(`${what} must be a JSON object`);
  }
  return input as Record<string, unknown>;
}

export function featureName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SAGEMAKER_NAME.test(value)) {
    throw validationError(`${field} must match ${SAGEMAKER_NAME.source}`);
  }
  return value;
}

function valueString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) {
    throw validationError(`${field} must be a string of at most ${MAX_VALUE_LENGTH} characters`);
  }
  return value;
}

/** `Record`: a non-empty list of FeatureValue, each with exactly one of ValueAsString / ValueAsStringList. */
export function parseRecord(input: unknown, field = 'Record'): FeatureValue[] {
  if (!Array.isArray(input) || input.length === 0) throw validationError(`${field} must be a non-empty list`);
  return input.map((item, i) => {
    const raw = asObject(item, `${field}[${i}]`);
    const name = featureName(raw.FeatureName, `${field}[${i}].FeatureName`);
    const hasString = raw.ValueAsString !== undefined;
    const hasList = raw.ValueAsStringList !== undefined;
    if (hasString === hasList) {
      throw validationError(`${field}[${i}] must set exactly one of ValueAsString and ValueAsStringList`);
    }
    if (hasString)
      return {
        FeatureName: name,
        ValueAsString: valueString(raw.ValueAsString, `${field}[${i}].ValueAsString`),
      };
    if (!Array.isArray(raw.ValueAsStringList))
      throw validationError(`${field}[${i}].ValueAsStringList must be a list`);
    const list = raw.ValueAsStringList.map((v, j) =>
      valueString(v, `${field}[${i}].ValueAsStringList[${j}]`),
    );
    return { FeatureName: name, ValueAsStringList: list };
  });
}

/** Optional `FeatureNames` filter (body list or repeated `FeatureName` query values); undefined when absent. */
export function parseFeatureNames(input: unknown, field: string): string[] | undefined {
  if (input === undefined) return undefined;
  if (!Array.isArray(input) || input.length === 0) throw validationError(`${field} must be a non-empty list`);
  return input.map((n, i) => featureName(n, `${field}[${i}]`));
}

export function parseTargetStores(input: unknown): TargetStore[] | undefined {
  if (input === undefined) return undefined;
  const ok = (s: unknown): s is TargetStore => s === 'OnlineStore' || s === 'OfflineStore';
  if (!Array.isArray(input) || input.length < 1 || input.length > 2 || !input.every(ok)) {
    throw validationError('TargetStores must list 1 or 2 of OnlineStore, OfflineStore');
  }
  return input;
}

export function parseDeletionMode(input: string | null): DeletionMode {
  if (input === null) return 'SoftDelete';
  if (input !== 'SoftDelete' && input !== 'HardDelete') {
    throw validationError('DeletionMode must be SoftDelete or HardDelete');
  }
  return input;
}

export function parseOptionalTtl(input: unknown): TtlDuration | undefined {
  return input === undefined || input === null ? undefined : parseTtlDuration(input, 'TtlDuration');
}

/** `ExpirationTimeResponse`: true when `Enabled`. */
export function parseExpirationTimeResponse(input: unknown): boolean {
  if (input === undefined || input === null) return false;
  if (input !== 'Enabled' && input !== 'Disabled') {
    throw validationError('ExpirationTimeResponse must be Enabled or Disabled');
  }
  return input === 'Enabled';
}

/** A required query parameter (present, possibly empty, exactly once). */
export function requiredQuery(query: URLSearchParams, name: string): string {
  const values = query.getAll(name);
  if (values.length !== 1) throw validationError(`Query parameter ${name} is required exactly once`);
  return values[0]!;
}
