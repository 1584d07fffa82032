/**
 * The entry's half of the composition: joins what src/ must not import (routes/, workers/, the demo's data) to
 * the app built by src/http. Used by the process entry (src/main.ts), the demo, the OpenAPI exporter and tests.
 */
import { registerOperationRoutes, registerRoutes } from '../routes/index.js';
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
