import type { FeatureView } from '../core/feature-view.js';

export type RegisterResult = 'ok' | 'exists' | 'conflict';

/** Durable storage of feature-view definitions. Versions are immutable once written. */
export interface ViewRegistryStore {
  /** Latest version number of a live view, or null. */
  latestVersion(name: string): Promise<number | null>;
  /** The last version ever issued for the name (0 if none); survives deletes so versions never repeat. */
  lastIssuedVersion(name: string): Promise<number>;
  get(name: string, version: number): Promise<FeatureView | null>;
  /** Latest definition of every live view. */
  list(): Promise<FeatureView[]>;
  register(
    view: FeatureView,
    mode: 'create' | 'put',
    expectedIssued: number,
    expectedLatest: number | null,
  ): Promise<RegisterResult>;
  /** Rewrites a stored version whose description changed (nothing else may differ). */
  replaceMetadata(view: FeatureView): Promise<void>;
  /** Removes a view from the index; returns false when it did not exist. */
  remove(name: string): Promise<boolean>;
}
