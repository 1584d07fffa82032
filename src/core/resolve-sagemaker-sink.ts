/** The SageMaker sink of a view spec: its feature names defaulted and checked against SageMaker's rules. */
import type { FeatureSpec, SageMakerSinkSpec } from './feature-view.js';
import { fail, SAGEMAKER_NAME_PATTERN } from './view-spec-checks.js';

export const DEFAULT_EVENT_TIME_FEATURE_NAME = 'event_time';

const SAGEMAKER_NAME = new RegExp(SAGEMAKER_NAME_PATTERN);
/** Feature names SageMaker Feature Store reserves for itself. */
const SAGEMAKER_RESERVED = new Set(['is_deleted', 'write_time', 'api_invocation_time']);

/**
 * Defaults the SageMaker feature names and checks that every name the sink writes is a valid, unreserved and
 * distinct SageMaker feature name, so that PutRecord cannot fail on the definition itself.
 */
export function resolveSageMakerSink(sink: SageMakerSinkSpec, entityKey: string, features: FeatureSpec[]) {
  const base = '/sinks/sagemaker';
  if (typeof sink.featureGroupName !== 'string' || !SAGEMAKER_NAME.test(sink.featureGroupName)) {
    throw fail(`${base}/featureGroupName`, `must match ${SAGEMAKER_NAME_PATTERN}`);
  }
  const recordIdentifierFeatureName = sink.recordIdentifierFeatureName ?? entityKey;
  const eventTimeFeatureName = sink.eventTimeFeatureName ?? DEFAULT_EVENT_TIME_FEATURE_NAME;
  const names: [path: string, name: string, defaulted: boolean][] = [
    [
      `${base}/recordIdentifierFeatureName`,
      recordIdentifierFeatureName,
      sink.recordIdentifierFeatureName === undefined,
    ],
    [`${base}/eventTimeFeatureName`, eventTimeFeatureName, sink.eventTimeFeatureName === undefined],
    ...features.map((f, i): [string, string, boolean] => [`/features/${i}/name`, f.name, false]),
  ];
  const seen = new Map<string, string>();
  for (const [path, name, defaulted] of names) {
    const origin = defaulted ? ` (defaulted from ${defaultSource(path)})` : '';
    if (!SAGEMAKER_NAME.test(name)) {
      throw fail(
        path,
        `'${name}'${origin} is not a valid SageMaker feature name (${SAGEMAKER_NAME_PATTERN})`,
      );
    }
    const key = name.toLowerCase();
    if (SAGEMAKER_RESERVED.has(key))
      throw fail(path, `'${name}'${origin} is a name SageMaker Feature Store reserves`);
    const other = seen.get(key);
    if (other !== undefined) {
      throw fail(
        path,
        `'${name}'${origin} is also the SageMaker feature name at ${other}; the names must differ`,
      );
    }
    seen.set(key, path);
  }
  return { featureGroupName: sink.featureGroupName, recordIdentifierFeatureName, eventTimeFeatureName };
}

const defaultSource = (path: string) =>
  path.endsWith('recordIdentifierFeatureName')
    ? 'entityKey'
    : `the default '${DEFAULT_EVENT_TIME_FEATURE_NAME}'`;
