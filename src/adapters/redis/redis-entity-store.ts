/**
 * Entity state as a hash `{v, d}` per entity (v: CAS version, d: encoded state); writes are compare-and-set on `v`
 * and also set the entity's version key (a copy of `v` that the read path checks with one MGET).
 *
 * Batched: `load` and `write` each send one script call per chunk of entities instead of one command per
 * entity (the client-side cost of a command, not Redis, bounds ingestion). A call's entities share a slot
 * (slot-rule.ts: on one server any chunk does; on a Redis Cluster one call per slot group, keys.ts). Each entity
 * is compared and set on its own inside a call, so splitting a batch into calls changes nothing of the protocol:
 * per entity, its state, its source mark and its pending outcome still change together. Writes wait for replicas
 * when the connection asks for it (replica-ack.ts).
 *
 * Write-through cache (`cacheBytes` > 0, the workers' stores): a state this store wrote is kept, decoded, with
 * the version it was written as, so the next batch for the entity skips the round trip and the decoding. `load`
 * *takes* a cached state (the caller may mutate it: a taken entry is not handed out again); a write that lands
 * puts a state back, and so does `release` for a state the caller left unchanged. If anyone else wrote the
 * entity meanwhile (even after the state expired and was created again: versions never repeat for a key), the
 * compare-and-set fails, the entry is dropped and the caller re-reads from Redis, so a cached state can be stale
 * only at the price of one failed write, never of a wrong one. Entries stay in place in the map while taken and
 * replaced (no delete and re-insert per batch); eviction is CLOCK (clock-cache.ts).
 */
import type { StoredEntity } from '../../core/entity-batch.js';
import type { EntityStore, EntityWrite, UnusedEntity, VersionedEntity } from '../../ports/entity-store.js';
import { ClockCache, type Sized } from './clock-cache.js';
import { entityVersionKey, type KeyLayout } from './keys.js';
import { sendAcked } from './replica-ack.js';
import type { EddyRedis } from './scripts.js';
import { groupBySlot, inKeyOrder } from './slot-rule.js';
import { decodeEntity, encodeEntity } from './state-codec.js';

/** KEYS: entity hashes. Returns, per key, {v, d} or nil. */
const LOAD_ENTITIES = `
local out = {}
for i, key in ipairs(KEYS) do
  local r = redis.call('HMGET', key, 'v', 'd')
  if r[1] then out[i] = r else out[i] = false end
end
return out
`;

/**
 * Compare-and-set of n entities. KEYS: n entity hashes, then their n version keys (keys.ts, `entityVersionKey`).
 * ARGV: ttl ms, then per entity the expected version ('' = absent) and the encoded state. Returns, per entity,
 * the new version, or 0 when the version moved (the caller re-reads and recomputes that entity). The hash's `v`
 * is the version compared; its copy is written with it, with the same expiry.
 *
 * A version is "<epoch>.<n>": a state created (no hash: new, or expired after the view's ttl) gets a new epoch,
 * the Redis server's clock in microseconds, and n counts its writes. So a key never has the same version twice,
 * even across expiry, and the caches that treat "same version" as "same state" stay right. A state whose version
 * has no epoch (written before epochs existed) gets a new epoch at its next write.
 */
const CAS_ENTITIES = `
local function next_version(v)
  local epoch, n = string.match(v or '', '^(%d+)%.(%d+)$')
  if epoch then return epoch .. '.' .. string.format('%d', tonumber(n) + 1) end
  local now = redis.call('TIME')
  return now[1] .. string.format('%06d', tonumber(now[2])) .. '.1'
end
local ttl = ARGV[1]
local n = #KEYS / 2
local out = {}
for i = 1, n do
  local key = KEYS[i]
  local v = redis.call('HGET', key, 'v')
  if (v or '') ~= ARGV[2 * i] then out[i] = 0
  else
    local next = next_version(v)
    redis.call('HSET', key, 'v', next, 'd', ARGV[2 * i + 1])
    redis.call('PEXPIRE', key, ttl)
    redis.call('SET', KEYS[n + i], next, 'PX', ttl)
    out[i] = next
  end
end
return out
`;

/**
 * Entities per script call: bounds how long one call holds Redis (a few ms at most) and how large a command
 * ioredis builds (it copies every argument into one new buffer per command: at 256 entities of a few KB each
 * that buffer was half a MB of fresh memory per call, and fresh memory is page faults; 64 gave a fifth fewer
 * faults in the push benchmark's worker).
 */
const CHUNK = 64;

interface BatchCommands {
  eddyLoadEntitiesBuffer(numKeys: number, ...keys: string[]): Promise<([Buffer, Buffer | null] | null)[]>;
  eddyCasEntities(numKeys: number, ...args: (string | number | Buffer)[]): Promise<(string | number)[]>;
}

interface Cached extends Sized {
  v: string;
  stored: StoredEntity;
  /** Handed out by `load` and not put back yet. */
  taken: boolean;
}

/** What the store's operations share: the connection, the key layout and the write-through cache. */
interface StoreContext {
  r: EddyRedis & BatchCommands;
  keys: KeyLayout;
  /** Disabled (the API's store) when 0. */
  maxBytes: number;
  cache: ClockCache<Cached>;
}

export function redisEntityStore(
  redis: EddyRedis,
  keys: KeyLayout,
  options: { cacheBytes?: number } = {},
): EntityStore {
  const r = redis as EddyRedis & BatchCommands;
  if (typeof r.eddyLoadEntitiesBuffer !== 'function') {
    redis.defineCommand('eddyLoadEntities', { lua: LOAD_ENTITIES });
    redis.defineCommand('eddyCasEntities', { lua: CAS_ENTITIES });
  }
  const maxBytes = options.cacheBytes ?? 0;
  const context: StoreContext = { r, keys, maxBytes, cache: new ClockCache<Cached>(maxBytes) };
  return {
    load: (view, version, entities) => loadEntities(context, view, version, entities),
    release: (view, version, unused) => releaseEntities(context, view, version, unused),
    write: (view, version, writes, ttlMs) => writeEntities(context, view, version, writes, ttlMs),
  };
}

/** Cached states where the cache holds them (each taken), the others read from Redis. */
async function loadEntities(
  { keys, maxBytes, cache, r }: StoreContext,
  view: string,
  version: number,
  entities: readonly string[],
): Promise<VersionedEntity[]> {
  if (entities.length === 0) return [];
  const entityKeys = entities.map((e) => keys.entity(view, version, e));
  const out: (VersionedEntity | undefined)[] = entityKeys.map((key) => {
    const hit = maxBytes > 0 ? take(cache, key) : undefined;
    return hit ? { cas: hit.v, stored: hit.stored } : undefined;
  });
  const missing = out.flatMap((e, i) => (e ? [] : [i]));
  if (missing.length > 0) {
    const loaded = await fetchEntities(
      r,
      missing.map((i) => entityKeys[i]!),
    );
    missing.forEach((i, j) => {
      out[i] = loaded[j]!;
    });
  }
  return out as VersionedEntity[];
}

/** Takes a cached entry: it is not handed out again until a write or `release` puts it back. */
function take(cache: ClockCache<Cached>, key: string): Cached | undefined {
  const hit = cache.get(key);
  if (!hit || hit.taken) return undefined;
  hit.taken = true;
  hit.used = true;
  return hit;
}

async function fetchEntities(
  r: EddyRedis & BatchCommands,
  entityKeys: readonly string[],
): Promise<VersionedEntity[]> {
  const parts = groupBySlot(r, entityKeys, CHUNK);
  const replies = await Promise.all(
    parts.map((part) => r.eddyLoadEntitiesBuffer(part.length, ...part.map((i) => entityKeys[i]!))),
  );
  return inKeyOrder(parts, replies, entityKeys.length).map((reply) =>
    reply
      ? { cas: reply[0].toString(), stored: reply[1] ? decodeEntity(reply[1]) : null }
      : { cas: '', stored: null },
  );
}

function releaseEntities(
  { keys, maxBytes, cache }: StoreContext,
  view: string,
  version: number,
  unused: readonly UnusedEntity[],
): void {
  if (maxBytes === 0) return;
  for (const { entity, loaded } of unused) {
    const hit = cache.get(keys.entity(view, version, entity));
    // Only the entry that was lent: a write that landed meanwhile put a new one, maybe lent out again.
    if (hit?.taken && hit.stored === loaded.stored) hit.taken = false;
  }
}

/** Compare-and-set of every write; true where it landed (then cached), false where the version moved. */
async function writeEntities(
  { keys, maxBytes, cache, r }: StoreContext,
  view: string,
  version: number,
  writes: readonly EntityWrite[],
  ttlMs: number,
): Promise<boolean[]> {
  if (writes.length === 0) return [];
  const entityKeys = writes.map((w) => keys.entity(view, version, w.entity));
  const encoded = writes.map((w) => encodeEntity(w.stored));
  const parts = groupBySlot(r, entityKeys, CHUNK);
  const replies = await Promise.all(
    parts.map((part) => {
      const args: (string | number | Buffer)[] = [2 * part.length];
      for (const i of part) args.push(entityKeys[i]!);
      for (const i of part) args.push(entityVersionKey(entityKeys[i]!));
      args.push(ttlMs);
      for (const i of part) args.push(writes[i]!.expected, encoded[i]!);
      return sendAcked<(string | number)[]>(r, r.replicaAck, 'eddyCasEntities', args);
    }),
  );
  return inKeyOrder(parts, replies, writes.length).map((reply, i) => {
    if (reply === 0) {
      if (maxBytes > 0) cache.delete(entityKeys[i]!);
      return false;
    }
    if (maxBytes > 0)
      cache.set(entityKeys[i]!, {
        v: String(reply),
        stored: writes[i]!.stored,
        bytes: encoded[i]!.length,
        taken: false,
        used: false,
      });
    return true;
  });
}
