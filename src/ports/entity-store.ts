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

/** The online store's per-entity state (one view version). */
export interface EntityStore {
  /** Loads many entities in one round trip; results in input order. */
  load(view: string, version: number, entities: readonly string[]): Promise<VersionedEntity[]>;
  /** Compare-and-set writes in one round trip; `true` per write that landed. State expires after `ttlMs` idle. */
  write(view: string, version: number, writes: readonly EntityWrite[], ttlMs: number): Promise<boolean[]>;
}
