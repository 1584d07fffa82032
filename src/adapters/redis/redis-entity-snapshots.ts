/**
 * The read path's entity states, with a per-process cache of decoded states keyed by entity key and CAS version
 * `v`. An entity the cache holds costs one MGET of its version key (keys.ts, `entityVersionKey`): when the
 * version still matches, neither the transfer nor the decoding of its tiles. Entities not cached, and cached
 * ones whose version moved, go to one script call that answers, per entity, nothing (no state), `v` alone (the
 * cached state is current) or `v` and the encoded state. So a read of unchanged entities is one round trip, of
 * entities not cached one round trip, and of changed ones two; each entity's answer is a state it held after
 * the read started (a batch is not one snapshot across entities: each entity is current on its own).
 *
 * Reads that start in the same event-loop turn share one script call (keys deduplicated, at most
 * `MAX_KEYS_PER_CALL` per call), sent on the next turn: every read still asks Redis after it started. This is
 * the read path's batching instead of ioredis auto-pipelining, which keeps each in-flight command reachable from
 * the pipeline that follows it, so under load a tenth of all allocation survived young-generation collections
 * and every collection took milliseconds.
 *
 * Bounded: once the encoded sizes add up to `maxBytes` (decoded states take a few times that on the heap), entries
 * are evicted by CLOCK, an approximation of least-recently-read (clock-cache.ts); a state larger than a quarter
 * of the budget is never cached.
 * `maxBytes` 0 disables the cache (every read fetches and decodes).
 */

import type { Redis } from 'ioredis';
import type { EntityState } from '../../core/engine.js';
import type { EntitySnapshots } from '../../ports/entity-snapshots.js';
import { ClockCache, type Sized } from './clock-cache.js';
import { entityVersionKey, type KeyLayout } from './keys.js';
import { decodeEntity } from './state-codec.js';

/**
 * KEYS: entity hashes. ARGV[i]: the `v` cached for KEYS[i] ('' for none). Returns, per key: nil (no state), 1
 * (unchanged: `v` is still ARGV[i]) or {v, d}.
 *
 * Touches keys of many hash tags (one per entity): one call for a whole batch costs a fifth of a pipeline of
 * per-entity calls. Eddy connects to a standalone Redis; on a Redis Cluster the
 * keys would have to be grouped by slot, one call per group.
 */
const READ_ENTITIES = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HGET', key, 'v')
  if not v then out[i] = false
  elseif v == ARGV[i] then out[i] = 1
  else out[i] = {v, redis.call('HGET', key, 'd')} end
end
return out
`;

const STALE = Symbol('stale');

/** Keys per script call (a call runs atomically in Redis: bounded so no read stalls the server for long). */
export const MAX_KEYS_PER_CALL = 2000;

type Reply = 1 | [Buffer, Buffer | null] | null;

/** A reply with the version the call sent for its key. */
interface Answer {
  reply: Reply;
  sent: string;
}

interface ReadCommands {
  /** numkeys, keys, then one known version per key. */
  eddyReadEntitiesBuffer(numKeys: number, ...args: string[]): Promise<Reply[]>;
}

interface Entry extends Sized {
  v: string;
  state: EntityState;
}

export interface SnapshotCacheStats {
  entries: number;
  bytes: number;
}

export function redisEntitySnapshots(
  redis: Redis,
  keys: KeyLayout,
  options: { maxBytes: number },
): EntitySnapshots & { stats(): SnapshotCacheStats } {
  const r = redis as Redis & ReadCommands;
  if (typeof r.eddyReadEntitiesBuffer !== 'function')
    redis.defineCommand('eddyReadEntities', { lua: READ_ENTITIES });
  const cache = new ClockCache<Entry>(options.maxBytes);
  const forget = (key: string) => cache.delete(key);
  const remember = (key: string, entry: Entry) => cache.set(key, entry);

  /** STALE: the store said "unchanged" but the cached entry is gone or newer (evicted or replaced meanwhile). */
  const resolve = (key: string, { reply, sent }: Answer): EntityState | null | typeof STALE => {
    if (reply === null) {
      forget(key);
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
    const state = decodeEntity(d).s;
    remember(key, { v, state, bytes: d.length, used: false });
    return state;
  };

  interface Waiter {
    at: number[];
    resolve(answers: Answer[]): void;
    reject(err: unknown): void;
  }
  /** The call being gathered this turn: unique keys (with their index) and the reads waiting for it. */
  let gathering: { index: Map<string, number>; waiters: Waiter[] } | null = null;

  function fetch(keysToRead: readonly string[]): Promise<Answer[]> {
    if (gathering && gathering.index.size + keysToRead.length > MAX_KEYS_PER_CALL) send(gathering);
    if (!gathering) {
      const batch = { index: new Map<string, number>(), waiters: [] as Waiter[] };
      gathering = batch;
      setImmediate(() => send(batch));
    }
    const { index, waiters } = gathering;
    const at = keysToRead.map((key) => {
      let i = index.get(key);
      if (i === undefined) {
        i = index.size;
        index.set(key, i);
      }
      return i;
    });
    return new Promise((resolve, reject) => waiters.push({ at, resolve, reject }));
  }

  /** The read script for some of `unique` (indices `at`), each with the version it is cached at ('' = none). */
  async function readScript(
    unique: string[],
    sent: string[],
    at: number[],
    answers: Answer[],
  ): Promise<void> {
    const replies = await r.eddyReadEntitiesBuffer(
      at.length,
      ...at.map((i) => unique[i]!),
      ...at.map((i) => sent[i]!),
    );
    at.forEach((i, j) => {
      answers[i] = { reply: replies[j]!, sent: sent[i]! };
    });
  }

  /**
   * Cached keys first ask one MGET of their version keys; only those whose version moved (or that have no
   * version key yet: states written before it existed) go on to the script, with the keys not cached at all.
   */
  async function ask(unique: string[]): Promise<Answer[]> {
    // The version each key is cached at now, when the call leaves (not when each read joined it).
    const sent = unique.map((key) => cache.get(key)?.v ?? '');
    const answers: Answer[] = new Array(unique.length);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < sent.length; i++) (sent[i] === '' ? unknown : known).push(i);
    const checkKnown = async () => {
      if (known.length === 0) return;
      const current = await r.mget(known.map((i) => entityVersionKey(unique[i]!)));
      const moved: number[] = [];
      known.forEach((i, j) => {
        if (current[j] === sent[i]) answers[i] = { reply: 1, sent: sent[i]! };
        else moved.push(i);
      });
      if (moved.length > 0) await readScript(unique, sent, moved, answers);
    };
    await Promise.all([checkKnown(), unknown.length > 0 && readScript(unique, sent, unknown, answers)]);
    return answers;
  }

  function send(batch: { index: Map<string, number>; waiters: Waiter[] }) {
    if (gathering === batch) gathering = null;
    else if (batch.index.size === 0) return; // already sent
    const unique = [...batch.index.keys()];
    batch.index.clear();
    ask(unique).then(
      (answers) => {
        for (const w of batch.waiters) w.resolve(w.at.map((i) => answers[i]!));
      },
      (err: unknown) => {
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  /**
   * Fetches of entities that were not cached when sent (their replies carry the whole state). A read of such an
   * entity waits for that fetch and then asks with the version it cached, so a burst of reads of a cold entity
   * transfers and decodes its state once; every read still asks the store after it started, so it sees every
   * write that completed before it.
   */
  const cold = new Map<string, Promise<unknown>>();

  async function read(entityKeys: readonly string[]): Promise<(EntityState | null)[]> {
    const waits: Promise<unknown>[] = [];
    for (const k of entityKeys) {
      const pending = cold.get(k);
      if (pending) waits.push(pending);
    }
    if (waits.length > 0) await Promise.all(waits);
    const sending = fetch(entityKeys);
    const mine = entityKeys.filter((k) => !cache.has(k) && !cold.has(k));
    if (mine.length > 0) {
      const settled = sending.then(
        () => {},
        () => {},
      );
      for (const k of mine) cold.set(k, settled);
      void settled.then(() => {
        for (const k of mine) if (cold.get(k) === settled) cold.delete(k);
      });
    }
    const answers = await sending;
    const out = entityKeys.map((key, i) => resolve(key, answers[i]!));
    // Answered "unchanged" but the cached entry went meanwhile (evicted under cache pressure): ask again with
    // no known version.
    const missed: number[] = [];
    for (let i = 0; i < out.length; i++) if (out[i] === STALE) missed.push(i);
    if (missed.length > 0) {
      for (const i of missed) forget(entityKeys[i]!);
      const again = await fetch(missed.map((i) => entityKeys[i]!));
      missed.forEach((i, j) => {
        out[i] = resolve(entityKeys[i]!, again[j]!);
      });
    }
    return out as (EntityState | null)[];
  }

  return {
    read: (view, version, entities) =>
      entities.length === 0 ? Promise.resolve([]) : read(entities.map((e) => keys.entity(view, version, e))),
    stats: () => cache.stats(),
  };
}
