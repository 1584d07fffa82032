import type { TestContext } from 'node:test';
import {
  type FeatureValue,
  SageMakerFeatureStoreRuntimeClient,
  type SageMakerFeatureStoreRuntimeClientConfig,
} from '@aws-sdk/client-sagemaker-featurestore-runtime';
import {
  type SageMakerEmulator,
  type SageMakerEmulatorOptions,
  startSageMakerEmulator,
} from '../../src/emulator/sagemaker/index.js';

// The SDK prints a support notice on Node 20; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Starts an emulator on a free port and closes it when the test ends. */
export async function startTestEmulator(
  t: TestContext,
  options: SageMakerEmulatorOptions = {},
): Promise<SageMakerEmulator> {
  const emulator = await startSageMakerEmulator({ seed: 1, ...options });
  t.after(() => emulator.close());
  return emulator;
}

/**
 * The real SDK client pointed at the emulator. Its default request handler is already HTTP/1.1 (unlike the
 * Kinesis client's). `maxAttempts: 1` unless overridden, so injected faults surface instead of being retried.
 */
export function sageMakerClient(
  t: TestContext,
  url: string,
  overrides: Partial<SageMakerFeatureStoreRuntimeClientConfig> = {},
): SageMakerFeatureStoreRuntimeClient {
  const client = new SageMakerFeatureStoreRuntimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...overrides,
  });
  t.after(() => client.destroy());
  return client;
}

/** `{a: '1'}` -> `[{FeatureName: 'a', ValueAsString: '1'}]`, in key order. */
export const record = (values: Record<string, string>): FeatureValue[] =>
  Object.entries(values).map(([FeatureName, ValueAsString]) => ({ FeatureName, ValueAsString }));

/** The definition most tests use. */
export const USERS = { recordIdentifierFeatureName: 'user_id', eventTimeFeatureName: 'event_time' } as const;
