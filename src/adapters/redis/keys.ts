/**
 * The Redis key layout (documented in the README, "Redis key layout"). Every key starts with the configured
 * prefix. Keys that one script touches together share a `{hash tag}`, so every script is Redis-Cluster-safe:
 *
 * - `{registry}`: the feature-view registry (one slot; it is small).
 * - `{<view>}`: per-view counters, checkpoints of every source, dead letters.
 * - `{<view>:<version>:<entity>}`: one entity's state for one view version, and a copy of its CAS version. On a
 *   Redis Cluster the tag is the entity's *slot group* instead, `{<view>:<version>:#<g>}` (`ENTITY_SLOT_GROUPS`
 *   groups per view version): the batched entity scripts run once per slot (slot-rule.ts), and with one slot per
 *   entity a batch of 2,500 entities would be 2,500 calls; with groups it is at most 64.
 *
 * Entity ids come from producers, so they are escaped (`escapeKeyPart`) before they become part of a key: the
 * escaped form contains only `[A-Za-z0-9_.-]`, `%XX` and (for unpaired surrogates) `%uXXXX`, never `{`, `}`, `:`
 * or whitespace, and distinct ids always give distinct keys.
 */
import calculateSlot from 'cluster-key-slot';

export interface KeyLayout {
  readonly prefix: string;
  /** Hash: view name -> latest version (present only while the view exists). */
  viewIndex(): string;
  /** Hash: view name -> the last version ever issued (kept after delete, so versions never repeat). */
  viewVersionSeq(): string;
  /** Hash: `<version>` -> stored definition (JSON). */
  viewVersions(view: string): string;
  /** Pub/sub channel: a view's name is published whenever it is created, versioned or deleted. */
  viewChanges(): string;
  /** Hash: per-version counters (`<version>:accepted` …), source marks (`<version>:mark:<source>`), last batch outcomes. */
  viewCounters(view: string): string;
  /** Hash: dead-letter id -> entry (JSON). */
  deadLetters(view: string): string;
  /** Sorted set: dead-letter id scored by the time it was stored (ms). */
  deadLetterIndex(view: string): string;
  /** Dead letters a replay has claimed (hash id -> entry) and when (zset id -> Redis time, ms). */
  deadLetterClaims(view: string): string;
  deadLetterClaimTimes(view: string): string;
  /** String: a Firehose delivery (by its push id) was queued whole; expires after the once window. */
  firehoseDelivery(view: string, pushId: string): string;
  /** Hash with fields `v` (CAS version) and `d` (encoded state). */
  entity(view: string, version: number, entity: string): string;
  /** String: a copy of the entity hash's `v`, written with it (see `entityVersionKey`). */
  entityVersion(view: string, version: number, entity: string): string;
  /** SageMaker sink of a view: zset `<version>:<entity>` -> generation (entities still to be written). */
  sinkPending(view: string): string;
  /** SageMaker sink: counter of generations and drain arms. */
  sinkSeq(view: string): string;
  /** SageMaker sink: the armed drain's id (expires unless its drain refreshes it). */
  sinkArmed(view: string): string;
  /** SageMaker sink: hash dead-letter id -> entry (JSON), and its index by failure time (ms). */
  sinkDeadLetters(view: string): string;
  sinkDeadLetterIndex(view: string): string;
  /** SageMaker sink: hash of counters and the last error. */
  sinkStats(view: string): string;
  /** SageMaker sink: what was sent for one entity (JSON `SentMemo`); expires with the entity. */
  sinkSent(view: string, version: number, entity: string): string;
  /** Sorted set: live worker process id -> heartbeat expiry (Redis server time, ms). */
  kinesisProcesses(): string;
  /** String: holder of a shard's lease (expires with the lease). */
  kinesisLease(stream: string, shardId: string): string;
  /** String: a shard lease's generation (INCR on every take; never expires): the fencing token of its batches. */
  kinesisLeaseGeneration(stream: string, shardId: string): string;
  /** Hash: shard id -> StoredShard JSON (the stream's shards as last listed). */
  kinesisShards(stream: string): string;
  /** Hash: shard id -> ShardProgress JSON (reader checkpoint, lag, job in flight). */
  kinesisProgress(stream: string): string;
}

/**
 * Slot groups of one view version's entities on a Redis Cluster: at most this many slots (so masters) share one
 * view version's entity states, and a batch of entities is at most this many script calls (each chunked).
 */
export const ENTITY_SLOT_GROUPS = 64;

/** Which of the view version's slot groups an (escaped) entity id belongs to: CRC16 of the id, as Redis hashes. */
export const entitySlotGroup = (escaped: string) => calculateSlot(escaped) % ENTITY_SLOT_GROUPS;

const SAFE = /^[A-Za-z0-9_.-]$/;
const ALL_SAFE = /^[A-Za-z0-9_.-]*$/;

/**
 * Percent-escapes everything outside `[A-Za-z0-9_.-]` byte by byte (UTF-8). Injective: an unpaired surrogate,
 * which UTF-8 would encode as U+FFFD (so `"\ud800"` and `"\ufffd"` would share a key), becomes `%uXXXX`.
 */
export function escapeKeyPart(raw: string): string {
  if (ALL_SAFE.test(raw)) return raw; // the common case: nothing to escape
  let out = '';
  for (const ch of raw) {
    if (SAFE.test(ch)) {
      out += ch;
      continue;
    }
    if (ch.length === 1 && (ch.charCodeAt(0) & 0xf800) === 0xd800) {
      out += `%u${ch.charCodeAt(0).toString(16).toUpperCase()}`;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const STATE = ':state';
const VERSION = ':ver';

/**
 * The key holding a copy of an entity's CAS version, next to its state hash (same hash tag). Every write of the
 * state sets both in one script with the same expiry, so a matching copy proves the hash holds that version: the
 * read path checks many entities with one MGET of these keys (a plain command, several times cheaper in Redis
 * than a script that reads each hash) and fetches only those whose version it does not hold.
 */
export function entityVersionKey(entityKey: string): string {
  if (!entityKey.endsWith(STATE)) throw new Error(`not an entity key: '${entityKey}'`);
  return entityKey.slice(0, -STATE.length) + VERSION;
}

/**
 * `cluster`: entity keys are tagged by slot group (above) instead of by entity. The two layouts are not
 * interchangeable: a deployment keeps the one it started with (docs/redis-cluster.md).
 */
export function keyLayout(prefix: string, options: { cluster?: boolean } = {}): KeyLayout {
  const p = prefix;
  // The hash tag and key stem of one entity of one view version ('#' never occurs in an escaped id).
  const entityStem = options.cluster
    ? (view: string, version: number, entity: string) => {
        const escaped = escapeKeyPart(entity);
        return `${p}:{${view}:${version}:#${entitySlotGroup(escaped)}}:${escaped}`;
      }
    : (view: string, version: number, entity: string) => `${p}:{${view}:${version}:${escapeKeyPart(entity)}}`;
  return {
    prefix: p,
    viewIndex: () => `${p}:{registry}:views`,
    viewVersionSeq: () => `${p}:{registry}:version-seq`,
    viewVersions: (view) => `${p}:{registry}:view:${view}`,
    viewChanges: () => `${p}:{registry}:changes`,
    viewCounters: (view) => `${p}:{${view}}:counters`,
    deadLetters: (view) => `${p}:{${view}}:dlq`,
    deadLetterIndex: (view) => `${p}:{${view}}:dlq-index`,
    deadLetterClaims: (view) => `${p}:{${view}}:dlq-claims`,
    deadLetterClaimTimes: (view) => `${p}:{${view}}:dlq-claim-times`,
    firehoseDelivery: (view, pushId) => `${p}:{${view}}:firehose:${escapeKeyPart(pushId)}`,
    entity: (view, version, entity) => `${entityStem(view, version, entity)}${STATE}`,
    entityVersion: (view, version, entity) => `${entityStem(view, version, entity)}${VERSION}`,
    sinkPending: (view) => `${p}:{${view}}:sm-pending`,
    sinkSeq: (view) => `${p}:{${view}}:sm-seq`,
    sinkArmed: (view) => `${p}:{${view}}:sm-armed`,
    sinkDeadLetters: (view) => `${p}:{${view}}:sm-dlq`,
    sinkDeadLetterIndex: (view) => `${p}:{${view}}:sm-dlq-index`,
    sinkStats: (view) => `${p}:{${view}}:sm-stats`,
    sinkSent: (view, version, entity) => `${entityStem(view, version, entity)}:sm-sent`,
    // Stream names and shard ids are [A-Za-z0-9_.-] (Kinesis rules); escaped anyway.
    kinesisProcesses: () => `${p}:{kinesis}:processes`,
    kinesisLease: (stream, shardId) =>
      `${p}:{kinesis:${escapeKeyPart(stream)}}:lease:${escapeKeyPart(shardId)}`,
    kinesisLeaseGeneration: (stream, shardId) =>
      `${p}:{kinesis:${escapeKeyPart(stream)}}:lease-gen:${escapeKeyPart(shardId)}`,
    kinesisShards: (stream) => `${p}:{kinesis:${escapeKeyPart(stream)}}:shards`,
    kinesisProgress: (stream) => `${p}:{kinesis:${escapeKeyPart(stream)}}:progress`,
  };
}
