/**
 * Feature-view registry use cases: register (create / version), look up, list, delete.
 * Stored versions are immutable, so compiled versions are cached forever per (name, version); only "which
 * version is latest" is cached briefly (`latestTtlMs`), so a new version is seen by every process within it.
 */
import { compileView } from '../core/compile-view.js';
import { EddyError, ErrorCode, viewNotFound } from '../core/errors.js';
import type { CompiledView, FeatureView, FeatureViewSpec } from '../core/feature-view.js';
import { resolveView, sameDefinition } from '../core/resolve-view.js';
import type { ViewRegistryStore } from '../ports/view-registry.js';

export interface ResolvedView {
  view: FeatureView;
  compiled: CompiledView;
}

export interface RegisterOutcome {
  view: FeatureView;
  /**
   * created: first version; versioned: a new version; described: only the description changed (updated in place,
   * no new version, state kept); unchanged: same definition sent again.
   */
  change: 'created' | 'versioned' | 'described' | 'unchanged';
}

export interface ViewCatalog {
  create(spec: FeatureViewSpec): Promise<FeatureView>;
  put(spec: FeatureViewSpec): Promise<RegisterOutcome>;
  /** The given version, or the latest when `version` is undefined. Throws FEATURE_VIEW_NOT_FOUND / VERSION_NOT_FOUND. */
  get(name: string, version?: number, options?: { fresh?: boolean }): Promise<ResolvedView>;
  list(): Promise<FeatureView[]>;
  remove(name: string): Promise<void>;
}

const MAX_REGISTER_ATTEMPTS = 10;

export function viewCatalog(
  store: ViewRegistryStore,
  options: { latestTtlMs: number; clock?: () => number },
): ViewCatalog {
  const clock = options.clock ?? Date.now;
  const versions = new Map<string, ResolvedView>();
  const latest = new Map<string, { version: number | null; at: number }>();

  const resolved = (view: FeatureView): ResolvedView => {
    const key = `${view.name}@${view.version}`;
    let hit = versions.get(key);
    if (!hit) {
      hit = { view, compiled: compileView(view) };
      versions.set(key, hit);
    }
    return hit;
  };

  async function latestVersion(name: string, fresh = false): Promise<number | null> {
    const cached = latest.get(name);
    if (!fresh && cached && clock() - cached.at < options.latestTtlMs) return cached.version;
    const version = await store.latestVersion(name);
    latest.set(name, { version, at: clock() });
    return version;
  }

  async function register(spec: FeatureViewSpec, mode: 'create' | 'put'): Promise<RegisterOutcome> {
    for (let attempt = 0; attempt < MAX_REGISTER_ATTEMPTS; attempt++) {
      const [current, issued] = await Promise.all([
        latestVersion(spec.name, true),
        store.lastIssuedVersion(spec.name),
      ]);
      if (current !== null) {
        if (mode === 'create') throw exists(spec.name);
        const stored = await store.get(spec.name, current);
        if (
          stored &&
          sameDefinition({ ...stored, description: undefined }, { ...spec, description: undefined })
        ) {
          // Only the description differs (or nothing): documentation is not a new version, state is kept.
          if ((stored.description ?? '') === (spec.description ?? ''))
            return { view: stored, change: 'unchanged' };
          const updated: FeatureView = { ...stored, description: spec.description };
          if (spec.description === undefined) delete updated.description;
          await store.replaceMetadata(updated);
          versions.delete(`${updated.name}@${updated.version}`);
          return { view: updated, change: 'described' };
        }
      }
      const view = resolveView(spec, issued + 1, new Date(clock()));
      const result = await store.register(view, mode, issued, current);
      if (result === 'exists') throw exists(spec.name);
      if (result === 'ok') {
        latest.set(view.name, { version: view.version, at: clock() });
        return { view, change: current === null ? 'created' : 'versioned' };
      }
    }
    throw new EddyError(
      ErrorCode.UNAVAILABLE,
      `feature view '${spec.name}' is being changed concurrently; retry`,
    );
  }

  return {
    async create(spec) {
      return (await register(spec, 'create')).view;
    },
    put: (spec) => register(spec, 'put'),
    async get(name, version, options) {
      const fresh = options?.fresh === true;
      const current = await latestVersion(name, fresh);
      if (current === null) throw viewNotFound(name);
      const wanted = version ?? current;
      const cached = versions.get(`${name}@${wanted}`);
      if (cached && !fresh) return cached;
      const view = wanted <= current ? await store.get(name, wanted) : null;
      if (!view)
        throw new EddyError(ErrorCode.VERSION_NOT_FOUND, `feature view '${name}' has no version ${wanted}`);
      if (cached && cached.view.description !== view.description) versions.delete(`${name}@${wanted}`);
      return resolved(view);
    },
    list: () => store.list(),
    async remove(name) {
      const removed = await store.remove(name);
      latest.delete(name);
      if (!removed) throw viewNotFound(name);
    },
  };
}

const exists = (name: string) =>
  new EddyError(ErrorCode.FEATURE_VIEW_EXISTS, `feature view '${name}' already exists; use PUT to change it`);
