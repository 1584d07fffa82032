import type { SageMakerEmulatorOptions } from './server.js';

/** Port `main.ts` uses when `PORT` is unset (kinesalite's default is 4567; this sits next to it). */
export const DEFAULT_PORT = 4568;

/**
 * Reads emulator options from the environment; no side effects. JSON variables take the same shapes as the
 * options and the admin endpoints:
 *   PORT                               default 4568 (0 = a free port)
 *   HOST                               default 127.0.0.1 (0.0.0.0 only on a private network, e.g. docker compose)
 *   SAGEMAKER_EMULATOR_SEED            integer seed of the fault RNG
 *   SAGEMAKER_EMULATOR_FEATURE_GROUPS  {"name": {"recordIdentifierFeatureName": .., "eventTimeFeatureName": ..}}
 *   SAGEMAKER_EMULATOR_AUTO_CREATE     one definition used for groups created by their first PutRecord
 *   SAGEMAKER_EMULATOR_FAULTS          {"throttleRate": 0.3, "errorRate": 0.05, "errorType": "mixed", "latencyMs": 0}
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): SageMakerEmulatorOptions & { port: number } {
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a TCP port, got '${env.PORT}'`);
  const options: SageMakerEmulatorOptions & { port: number } = { port };
  if (env.HOST) options.host = env.HOST;
  if (env.SAGEMAKER_EMULATOR_SEED) {
    const seed = Number(env.SAGEMAKER_EMULATOR_SEED);
    if (!Number.isInteger(seed)) throw new Error('SAGEMAKER_EMULATOR_SEED must be an integer');
    options.seed = seed;
  }
  const featureGroups = json(env, 'SAGEMAKER_EMULATOR_FEATURE_GROUPS');
  if (featureGroups !== undefined)
    options.featureGroups = featureGroups as SageMakerEmulatorOptions['featureGroups'];
  const autoCreate = json(env, 'SAGEMAKER_EMULATOR_AUTO_CREATE');
  if (autoCreate !== undefined) options.autoCreate = autoCreate as SageMakerEmulatorOptions['autoCreate'];
  const faults = json(env, 'SAGEMAKER_EMULATOR_FAULTS');
  if (faults !== undefined) options.faults = faults as SageMakerEmulatorOptions['faults'];
  return options;
}

/** Shapes are checked by `startSageMakerEmulator`, which reports the offending field. */
function json(env: NodeJS.ProcessEnv, name: string): unknown {
  const text = env[name];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
}

/** A readable line for a startup failure (validation messages name the bad field). */
export const describeStartupError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
