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

/** A catalog's store and caches. */
interface Catalog {
  store: ViewRegistryStore;
  clock: () => number;
  latestTtlMs: number;
  /** Compiled versions by `name@version`: kept forever (a description change drops its entry). */
  versions: Map<string, ResolvedView>;
  /** Each view's latest version (null: none) and when it was read. */
  latest: Map<string, { version: number | null; at: number }>;
}

export function viewCatalog(
  store: ViewRegistryStore,
  options: { latestTtlMs: number; clock?: () => number },
): ViewCatalog {
  const catalog: Catalog = {
    store,
    clock: options.clock ?? Date.now,
    latestTtlMs: options.latestTtlMs,
    versions: new Map(),
    latest: new Map(),
  };
  return {
    async create(spec) {
      return (await register(catalog, spec, 'create')).view;
    },
    put: (spec) => register(catalog, spec, 'put'),
    get: (name, version, options) => getView(catalog, name, version, options?.fresh === true),
    list: () => store.list(),
    async remove(name) {
      const removed = await store.remove(name);
      catalog.latest.delete(name);
      if (!removed) throw viewNotFound(name);
    },
  };
}

const versionKey = (name: string, version: number) => `${name}@${version}`;

/** `view` with its compiled form, compiled once per version. */
function resolved({ versions }: Catalog, view: FeatureView): ResolvedView {
  const key = versionKey(view.name, view.version);
  let hit = versions.get(key);
  if (!hit) {
    hit = { view, compiled: compileView(view) };
    versions.set(key, hit);
  }
  return hit;
}

/** The latest version, cached for `latestTtlMs` unless `fresh`. */
async function latestVersion(catalog: Catalog, name: string, fresh = false): Promise<number | null> {
  const cached = catalog.latest.get(name);
  if (!fresh && cached && catalog.clock() - cached.at < catalog.latestTtlMs) return cached.version;
  const version = await catalog.store.latestVersion(name);
  catalog.latest.set(name, { version, at: catalog.clock() });
  return version;
}

/** The given version (the latest when undefined); `fresh` bypasses both caches. */
async function getView(
  catalog: Catalog,
  name: string,
  version: number | undefined,
  fresh: boolean,
): Promise<ResolvedView> {
  let current = await latestVersion(catalog, name, fresh);
  // A version newer than the cached latest was registered meanwhile (by this or another process): look again
  // rather than call it missing, or a worker would drop records the API accepted for it.
  if (!fresh && version !== undefined && (current === null || version > current)) {
    current = await latestVersion(catalog, name, true);
  }
  if (current === null) throw viewNotFound(name);
  const wanted = version ?? current;
  const cached = catalog.versions.get(versionKey(name, wanted));
  if (cached && !fresh) return cached;
  const view = wanted <= current ? await catalog.store.get(name, wanted) : null;
  if (!view)
    throw new EddyError(ErrorCode.VERSION_NOT_FOUND, `feature view '${name}' has no version ${wanted}`);
  if (cached && cached.view.description !== view.description)
    catalog.versions.delete(versionKey(name, wanted));
  return resolved(catalog, view);
}

/**
 * Registers `spec` as a new version (or the first), unless it differs from the latest in its description at
 * most. The store's register is conditional on the versions read, so a concurrent change makes it try again.
 */
async function register(
  catalog: Catalog,
  spec: FeatureViewSpec,
  mode: 'create' | 'put',
): Promise<RegisterOutcome> {
  const { store, clock } = catalog;
  for (let attempt = 0; attempt < MAX_REGISTER_ATTEMPTS; attempt++) {
    const [current, issued] = await Promise.all([
      latestVersion(catalog, spec.name, true),
      store.lastIssuedVersion(spec.name),
    ]);
    if (current !== null) {
      if (mode === 'create') throw exists(spec.name);
      const stored = await store.get(spec.name, current);
      if (stored && sameDefinitionButDescription(stored, spec)) return describe(catalog, stored, spec);
    }
    const view = resolveView(spec, issued + 1, new Date(clock()));
    const result = await store.register(view, mode, issued, current);
    if (result === 'exists') throw exists(spec.name);
    if (result === 'ok') {
      catalog.latest.set(view.name, { version: view.version, at: clock() });
      return { view, change: current === null ? 'created' : 'versioned' };
    }
  }
  throw new EddyError(
    ErrorCode.UNAVAILABLE,
    `feature view '${spec.name}' is being changed concurrently; retry`,
  );
}

const sameDefinitionButDescription = (stored: FeatureView, spec: FeatureViewSpec) =>
  sameDefinition({ ...stored, description: undefined }, { ...spec, description: undefined });

/**
 * Only the description differs (or nothing): documentation is not a new version, so the stored version is
 * updated in place and its state kept.
 */
async function describe(
  catalog: Catalog,
  stored: FeatureView,
  spec: FeatureViewSpec,
): Promise<RegisterOutcome> {
  if ((stored.description ?? '') === (spec.description ?? '')) return { view: stored, change: 'unchanged' };
  const updated: FeatureView = { ...stored, description: spec.description };
  if (spec.description === undefined) delete updated.description;
  await catalog.store.replaceMetadata(updated);
  catalog.versions.delete(versionKey(updated.name, updated.version));
  return { view: updated, change: 'described' };
}

const exists = (name: string) =>
  new EddyError(ErrorCode.FEATURE_VIEW_EXISTS, `feature view '${name}' already exists; use PUT to change it`);
