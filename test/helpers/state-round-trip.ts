/**
 * An entity state through the stored encoding and back (adapters/redis/state-codec.ts), as between two batches
 * in production: what the engine keeps must survive it.
 */
import { decodeEntity, encodeEntity } from '../../src/adapters/redis/state-codec.js';
import type { EntityState } from '../../src/core/engine.js';

export const storedRoundTrip = (state: EntityState): EntityState =>
  decodeEntity(encodeEntity({ state, marks: {}, pending: {} })).state;
