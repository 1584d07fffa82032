import type { EntityState } from '../core/engine.js';

/**
 * Current entity states for the read path. Unlike EntityStore.load (which hands the write path objects it may
 * mutate), the states returned here may be cached and shared by concurrent readers: never mutate them. A given
 * object stands for one stored version of the entity, so callers may memoize what they derive from it by
 * object identity (e.g. in a WeakMap).
 */
export interface EntitySnapshots {
  /** Each entity's state (input order), or null when it has none; one round trip to the store. */
  read(view: string, version: number, entities: readonly string[]): Promise<(EntityState | null)[]>;
}
