/**
 * The read path's entity states, with a per-process cache of decoded states keyed by entity key and CAS version
 * `v`. An entity the cache holds costs one MGET of its version key (keys.ts, `entityVersionKey`): when the
 * version still matches, neither the transfer nor the decoding of its tiles. Entities not cached, and cached
 * ones whose version moved, go to one script call that answers, per entity, nothing (no state), `v` alone (the
 * cached state is current) or `v` and the encoded state (ask-entity-versions.ts, read-entities-script.ts). So a
 * read of unchanged entities is one round trip, of entities not cached one round trip, and of changed ones two;
 * each entity's answer is a state it held after the read started (a batch is not one snapshot across entities:
 * each entity is current on its own).
 *
 * Reads that start in the same event-loop turn share one call (keys deduplicated, at most `MAX_KEYS_PER_CALL`
 * per call), sent on the next turn (gather-per-turn.ts). A burst of reads of a cold entity shares its fetch
 * (cold-fetches.ts).
 *
 * Bounded: once the encoded sizes add up to `maxBytes` (decoded states take a few times that on the heap), entries
 * are evicted by CLOCK, an approximation of least-recently-read (clock-cache.ts); a state larger than a quarter
 * of the budget is never cached.
 * `maxBytes` 0 disables the cache (every read fetches and decodes).
 */

import type { Redis } from 'ioredis';
import type { EntityState } from '../../core/engine.js';
import type { EntitySnapshots } from '../../ports/entity-snapshots.js';
import { askEntityVersions, type EntityAnswer } from './ask-entity-versions.js';
import { ClockCache, type Sized } from './clock-cache.js';
import { ColdFetches } from './cold-fetches.js';
import { gatherPerTurn } from './gather-per-turn.js';
import type { KeyLayout } from './keys.js';
import { readEntitiesScript } from './read-entities-script.js';
import { decodeEntity } from './state-codec.js';

/** Keys per script call (a call runs atomically in Redis: bounded so no read stalls the server for long). */
export const MAX_KEYS_PER_CALL = 2000;

export interface SnapshotCacheStats {
  entries: number;
  bytes: number;
}

/** A decoded state and the CAS version it was read at. */
interface CachedState extends Sized {
  v: string;
  state: EntityState;
}

type StateCache = ClockCache<CachedState>;

/** The store said "unchanged" but the cached entry is gone or newer (evicted or replaced meanwhile). */
const STALE = Symbol('stale');

export function redisEntitySnapshots(
  redis: Redis,
  keys: KeyLayout,
  options: { maxBytes: number },
): EntitySnapshots & { stats(): SnapshotCacheStats } {
  const cache: StateCache = new ClockCache<CachedState>(options.maxBytes);
  const ask = askEntityVersions(redis, readEntitiesScript(redis), (key) => cache.get(key)?.v ?? '');
  const fetch = gatherPerTurn(ask, MAX_KEYS_PER_CALL);
  const cold = new ColdFetches();

  async function read(entityKeys: readonly string[]): Promise<(EntityState | null)[]> {
    const inFlight = cold.inFlightFor(entityKeys);
    if (inFlight) await inFlight;
    const sending = fetch(entityKeys);
    cold.track(
      entityKeys.filter((k) => !cache.has(k) && !cold.has(k)),
      sending,
    );
    const out = (await sending).map((answer, i) => resolveAnswer(cache, entityKeys[i]!, answer));
    return askAgainForStale(cache, fetch, entityKeys, out);
  }

  return {
    read: (view, version, entities) =>
      entities.length === 0 ? Promise.resolve([]) : read(entities.map((e) => keys.entity(view, version, e))),
    stats: () => cache.stats(),
  };
}

/** An answer as a state (decoded and cached when it carries one), null for none, or STALE. */
function resolveAnswer(
  cache: StateCache,
  key: string,
  { reply, sent }: EntityAnswer,
): EntityState | null | typeof STALE {
  if (reply === null) {
    cache.delete(key);
    return null;
  }
  const cached = cache.get(key);
  if (reply === 1) {
    if (cached && cached.v === sent) {
      cached.used = true;
      return cached.state;
    }
    return STALE;
  }
  const [vRaw, d] = reply;
  const v = vRaw.toString();
  if (cached && cached.v === v) return cached.state; // a concurrent read decoded it first
  if (d === null) return null;
  const state = decodeEntity(d).state;
  cache.set(key, { v, state, bytes: d.length, used: false });
  return state;
}

/**
 * Entities answered "unchanged" whose cached entry went meanwhile (evicted under cache pressure) are asked
 * again with no known version.
 */
async function askAgainForStale(
  cache: StateCache,
  fetch: (keys: readonly string[]) => Promise<EntityAnswer[]>,
  entityKeys: readonly string[],
  out: (EntityState | null | typeof STALE)[],
): Promise<(EntityState | null)[]> {
  const missed: number[] = [];
  for (let i = 0; i < out.length; i++) if (out[i] === STALE) missed.push(i);
  if (missed.length > 0) {
    for (const i of missed) cache.delete(entityKeys[i]!);
    const again = await fetch(missed.map((i) => entityKeys[i]!));
    missed.forEach((i, j) => {
      out[i] = resolveAnswer(cache, entityKeys[i]!, again[j]!);
    });
  }
  return out as (EntityState | null)[];
}
