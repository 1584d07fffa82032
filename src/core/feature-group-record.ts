/**
 * A feature view read as a SageMaker Feature Store record (the compatible read API), pure. The record has the
 * same shape the SageMaker sink writes (core/sagemaker-record.ts): the record identifier, the event time (the
 * entity's watermark) and every non-null feature as `ValueAsString`, optionally narrowed to `FeatureName`s.
 */
import { awsValidationError } from './aws-error.js';
import type { FeatureView } from './feature-view.js';
import { DEFAULT_EVENT_TIME_FEATURE_NAME } from './resolve-sagemaker-sink.js';
import { sinkOf } from './sagemaker-feature-group.js';
import {
  type FeatureValueString,
  recordContent,
  type SageMakerSink,
  withEventTime,
} from './sagemaker-record.js';

/**
 * The feature group a view answers as: its SageMaker sink's names, or, without a sink, the view's own name with
 * the entity key as the record identifier and `event_time`.
 */
export function featureGroupOf(view: Pick<FeatureView, 'name' | 'sinks' | 'entityKey'>): SageMakerSink {
  return (
    sinkOf(view) ?? {
      featureGroupName: view.name,
      recordIdentifierFeatureName: view.entityKey,
      eventTimeFeatureName: DEFAULT_EVENT_TIME_FEATURE_NAME,
    }
  );
}

/** Every feature name a record of the group can hold, in record order. */
export const groupFeatureNames = (group: SageMakerSink, features: readonly string[]) => [
  group.recordIdentifierFeatureName,
  group.eventTimeFeatureName,
  ...features,
];

/**
 * Checks a `FeatureName` filter against the group; a name the group does not define is a ValidationError, as on
 * AWS. Returns the view features to read (undefined: all of them).
 */
export function viewFeaturesFor(
  group: SageMakerSink,
  features: readonly string[],
  names: readonly string[] | undefined,
): string[] | undefined {
  if (!names) return undefined;
  const known = new Set(groupFeatureNames(group, features));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw awsValidationError(
      `The feature(s) [${unknown.join(', ')}] are not defined in FeatureGroup '${group.featureGroupName}'.`,
    );
  }
  return features.filter((f) => names.includes(f));
}

/** The record of one present entity, narrowed to `names` when given (kept in record order). */
export function featureGroupRecord(
  group: SageMakerSink,
  entity: string,
  eventTimeMs: number,
  featureOrder: readonly string[],
  values: Readonly<Record<string, number | null>>,
  names?: readonly string[],
): FeatureValueString[] {
  const record = withEventTime(group, recordContent(group, entity, featureOrder, values), eventTimeMs);
  return names ? record.filter((f) => names.includes(f.FeatureName)) : record;
}

/** AWS pattern of feature group and feature names (at most 64 characters). */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]){0,63}$/;
const FEATURE_GROUP_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:feature-group\/(.+)$/;

/** The group name from a `FeatureGroupName` (a name or a feature-group ARN, as AWS accepts both). */
export function featureGroupName(nameOrArn: string, field = 'featureGroupName'): string {
  const name = FEATURE_GROUP_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
  if (!SAGEMAKER_NAME.test(name)) {
    throw awsValidationError(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${SAGEMAKER_NAME.source}`,
    );
  }
  return name;
}

/** A `FeatureName` / `FeatureNames` filter: 1..100 valid feature names (undefined when absent). */
export function featureNameFilter(input: unknown, field: string): string[] | undefined {
  if (input === undefined) return undefined;
  if (
    !Array.isArray(input) ||
    input.length < 1 ||
    input.length > 100 ||
    !input.every((n) => typeof n === 'string' && SAGEMAKER_NAME.test(n))
  ) {
    throw awsValidationError(`${field} must list 1 to 100 feature names matching ${SAGEMAKER_NAME.source}`);
  }
  return input as string[];
}

/** `ExpirationTimeResponse`: absent, `Enabled` or `Disabled` (Eddy's records carry no `ExpiresAt`). */
export function checkExpirationTimeResponse(input: unknown): void {
  if (input !== undefined && input !== null && input !== 'Enabled' && input !== 'Disabled') {
    throw awsValidationError('ExpirationTimeResponse must be Enabled or Disabled');
  }
}
