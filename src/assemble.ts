/**
 * The entry's half of the composition: joins what src/ must not import (routes/, workers/, the demo's data) to
 * the app built by src/http. Used by the process entry (src/main.ts), the demo, the OpenAPI exporter and tests.
 */
import type { Logger } from 'pino';
import { registerOperationRoutes, registerRoutes } from '../routes/index.js';
import { startWorkers, type WorkerOverrides, type Workers } from '../workers/start-workers.js';
import { compose, type Runtime } from './compose.js';
import type { Config } from './config.js';
import { loadAnomalyWindows } from './demo/nab-files.js';
import { type AppDeps, type BuildOptions, buildApp } from './http/app.js';

/** The API (or, with `surface: 'operations'`, a worker's health and metrics endpoints) with its routes. */
export function buildEddyApp(deps: AppDeps, options: Omit<BuildOptions, 'routes' | 'labelledWindows'> = {}) {
  const operations = options.surface === 'operations';
  return buildApp(deps, {
    ...options,
    routes: operations ? registerOperationRoutes : registerRoutes,
    labelledWindows: loadAnomalyWindows,
  });
}

/** Composes a runtime for the given roles and, for the worker role, starts its workers. */
export async function startRuntime(
  config: Config,
  redisUrl: string,
  log: Logger,
  roles: { api: boolean; worker: boolean },
  overrides: WorkerOverrides = {},
): Promise<EddyRuntime> {
  const runtime = await compose(config, redisUrl, log, roles);
  const workers = runtime.worker ? await startWorkers(runtime.worker, overrides) : null;
  return { ...runtime, workers };
}

export interface EddyRuntime extends Runtime {
  /** The running workers (worker role), or null. */
  workers: Workers | null;
}
