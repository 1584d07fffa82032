import type { StoredEntity } from '../core/entity-batch.js';

/**
 * One entity's stored state and its compare-and-set version ('' when the entity has no state). A version never
 * repeats for an entity, even after its state expired, so "same version" means "same state".
 */
export interface VersionedEntity {
  cas: string;
  stored: StoredEntity | null;
}

export interface EntityWrite {
  entity: string;
  /** The `cas` value that was read; the write fails when the state moved since. */
  expected: string;
  stored: StoredEntity;
}

/** A loaded entity handed back unchanged: `loaded` is what `load` returned for it. */
export interface UnusedEntity {
  entity: string;
  loaded: VersionedEntity;
}

/** The online store's per-entity state (one view version). */
export interface EntityStore {
  /** Loads many entities in one round trip; results in input order. */
  load(view: string, version: number, entities: readonly string[]): Promise<VersionedEntity[]>;
  /**
   * Hands back loaded states the caller left unchanged and will not write, so a caching store can serve them
   * again (a caching store lends each cached state to one caller at a time). Local: no round trip.
   */
  release(view: string, version: number, unused: readonly UnusedEntity[]): void;
  /** Compare-and-set writes in one round trip; `true` per write that landed. State expires after `ttlMs` idle. */
  write(view: string, version: number, writes: readonly EntityWrite[], ttlMs: number): Promise<boolean[]>;
}
