/**
 * Kinesis ingestion in one worker process: finds the streams of the live Kinesis views, lists their shards, takes
 * leases on a fair share of the shards that need reading, and runs one ShardReader per leased shard.
 *
 * Leases (ports/shard-leases.ts) are per-shard Redis keys with a TTL, renewed every third of it by the holder; live
 * processes heartbeat into a registry on the same period, so every process knows how many share the work and
 * aims at ceil(shards / live) (core/kinesis/lease-balance.ts). A process that dies stops renewing: its leases
 * expire after the TTL and the next discovery round of a live process takes them. A graceful close stops the
 * readers (each finishes its batch in flight), hands the leases back and leaves the registry, so the others take
 * over at their next round. Why not BullMQ job locks as leases: a lock belongs to a job that runs to completion,
 * while a shard is read forever and must move between processes to balance; BullMQ still gives the batch
 * guarantees (one job per GetRecords result, deterministic ids, stalled-job recovery).
 *
 * Every discovery round also re-reads the view registry, so new views, new versions and deletions are picked up
 * within `discoveryMs` (at once when `poke` is called: ingestion.ts calls it on the registry's change messages),
 * and re-lists shards, so resharding is followed (core/kinesis/shard-lineage.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { kinesisErrorKind, type ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import { planLeases } from '../../src/core/kinesis/lease-balance.js';
import { shardAssignments } from '../../src/core/kinesis/shard-lineage.js';
import { isLatest, startTimeOf } from '../../src/core/kinesis/start-position.js';
import type { ShardLeases } from '../../src/ports/shard-leases.js';
import type { ShardStore } from '../../src/ports/shard-store.js';
import type { ViewCounters } from '../../src/ports/view-counters.js';
import { kinesisSource, viewRef } from '../../src/services/apply-kinesis-batch.js';
import type { ViewCatalog } from '../../src/services/view-catalog.js';
import type { KinesisMetrics } from './kinesis-metrics.js';
import type { ReaderView } from './reader-view.js';
import { ShardReader } from './shard-reader.js';

export interface KinesisReadersDeps {
  api: ShardApi;
  batches: KinesisBatches;
  store: ShardStore;
  leases: ShardLeases;
  counters: Pick<ViewCounters, 'mark'>;
  catalog: Pick<ViewCatalog, 'list'>;
  leaseTtlMs: number;
  discoveryMs: number;
  idleMs: number;
  recordLimit: number;
  log: Logger;
  metrics?: KinesisMetrics;
  /** Default: `<host>/<pid>/<random>`. */
  processId?: string;
}

export interface KinesisReaders {
  readonly processId: string;
  /** Shards this process reads now, as `<stream>/<shardId>`. */
  owned(): string[];
  running(): boolean;
  /** Runs a discovery round now (after the one in progress, if any): a view changed. */
  poke(): void;
  /** Stops the readers (finishing batches in flight), hands the leases back and leaves the registry. */
  close(): Promise<void>;
}

interface Running {
  stream: string;
  shardId: string;
  reader: ShardReader;
  ended: Promise<unknown>;
}

const shardKey = (stream: string, shardId: string) => `${stream}/${shardId}`;

export function startKinesisReaders(deps: KinesisReadersDeps): KinesisReaders {
  const processId = deps.processId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  const log = deps.log.child({ component: 'kinesis', processId });
  const readers = new Map<string, Running>();
  const missingStreams = new Set<string>();
  let closed = false;
  let renewing = true;
  let tickTimer: NodeJS.Timeout | null = null;
  let renewTimer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> = Promise.resolve();
  const rank = (key: string) => createHash('sha1').update(processId).update(key).digest().readUInt32BE(0);

  function startReader(
    stream: string,
    shardId: string,
    views: ReaderView[],
    lease: number,
    parents: string[],
  ) {
    const reader = new ShardReader(
      { ...deps, log: log.child({ component: 'shard-reader' }) },
      stream,
      shardId,
      views,
      lease,
      parents,
    );
    const key = shardKey(stream, shardId);
    const ended = reader.start().then(async (end) => {
      if (readers.get(key)?.reader === reader) readers.delete(key);
      if (end !== 'aborted') await deps.leases.release(stream, shardId, processId).catch(() => {});
      if (end === 'finished' && !closed) schedule(0); // its children may start now
    });
    readers.set(key, { stream, shardId, reader, ended });
    log.info({ stream, shardId, lease }, 'shard lease taken');
  }

  async function stopReader(key: string) {
    const r = readers.get(key);
    if (!r) return;
    await r.reader.stop();
    await r.ended;
    log.info({ stream: r.stream, shardId: r.shardId }, 'shard lease handed back');
  }

  async function tick() {
    const live = await deps.leases.heartbeat(processId, deps.leaseTtlMs);
    const views = (await deps.catalog.list()).filter((v) => v.source.type === 'kinesis');
    const byStream = new Map<string, ReaderView[]>();
    for (const v of views) {
      if (v.source.type !== 'kinesis') continue;
      const list = byStream.get(v.source.streamName) ?? [];
      list.push({
        ref: viewRef(v.name, v.version),
        name: v.name,
        version: v.version,
        startMs: startTimeOf(v.source.startPosition),
        latest: isLatest(v.source.startPosition),
      });
      byStream.set(v.source.streamName, list);
    }

    // Shards that need a reader now, with the view versions that read each.
    const active = new Map<
      string,
      { stream: string; shardId: string; views: ReaderView[]; parents: string[] }
    >();
    for (const [stream, streamViews] of byStream) {
      let shards: Awaited<ReturnType<ShardApi['listShards']>>;
      try {
        shards = await deps.api.listShards(stream);
        missingStreams.delete(stream);
      } catch (err) {
        if (kinesisErrorKind(err) === 'not-found') {
          if (!missingStreams.has(stream))
            log.warn({ stream }, 'stream does not exist (yet); will look again');
          missingStreams.add(stream);
        } else log.warn({ stream, err: String(err) }, 'could not list shards');
        continue;
      }
      await deps.store.saveShards(stream, shards);
      const refs = streamViews.flatMap((v) =>
        shards.map((s) => ({ view: v.name, version: v.version, source: kinesisSource(stream, s.shardId) })),
      );
      const flags = await deps.store.finished(refs);
      const finished = new Set(
        refs.filter((_, i) => flags[i]).map((r) => `${r.view}@${r.version}|${r.source}`),
      );
      const plan = shardAssignments(shards, streamViews, (v, shardId) =>
        finished.has(`${v.ref}|${kinesisSource(stream, shardId)}`),
      );
      const listed = new Map(shards.map((s) => [s.shardId, s]));
      for (const [shardId, readerViews] of plan) {
        const parents = listed.get(shardId)!.parents.filter((p) => listed.has(p));
        active.set(shardKey(stream, shardId), { stream, shardId, views: readerViews, parents });
      }
    }

    // Readers whose shard no longer needs reading (views deleted) stop; the others learn their view set.
    await Promise.all([...readers.keys()].filter((k) => !active.has(k)).map(stopReader));
    for (const [key, r] of readers) r.reader.setViews(active.get(key)!.views);

    const keys = [...active.keys()];
    const owners = new Map<string, string | null>();
    for (const [stream, streamKeys] of groupByStream(keys, active)) {
      const ids = streamKeys.map((k) => active.get(k)!.shardId);
      const holders = await deps.leases.owners(stream, ids);
      streamKeys.forEach((k, i) => {
        owners.set(k, holders[i] ?? null);
      });
    }
    // Our own readers count as ours even in the instant between a lease expiring and its renewal.
    for (const key of readers.keys()) owners.set(key, processId);
    const plan = planLeases({ shards: keys, owners, me: processId, live }, rank);
    await Promise.all(plan.release.map(stopReader));
    for (const key of plan.acquire) {
      if (closed) return;
      const a = active.get(key)!;
      const lease = await deps.leases.acquire(a.stream, a.shardId, processId, deps.leaseTtlMs);
      if (lease !== null) startReader(a.stream, a.shardId, a.views, lease, a.parents);
    }
  }

  async function renew() {
    await deps.leases.heartbeat(processId, deps.leaseTtlMs);
    for (const [key, r] of readers) {
      if (!(await deps.leases.renew(r.stream, r.shardId, processId, deps.leaseTtlMs))) {
        log.warn({ stream: r.stream, shardId: r.shardId }, 'shard lease lost; stopping its reader');
        readers.delete(key);
        r.reader.abort();
      }
    }
  }

  /** A poke arrived that no round has started since: the round in progress must not push it back. */
  let poked = false;
  function schedule(delayMs: number) {
    if (closed) return;
    if (tickTimer) clearTimeout(tickTimer);
    tickTimer = setTimeout(() => {
      tickTimer = null;
      poked = false;
      ticking = ticking
        .then(tick)
        .catch((err) => log.warn({ err: String(err) }, 'kinesis discovery round failed'))
        .finally(() => schedule(poked ? 0 : deps.discoveryMs));
    }, delayMs);
  }

  function scheduleRenew() {
    if (!renewing) return;
    renewTimer = setTimeout(
      () =>
        void renew()
          .catch((err) => log.warn({ err: String(err) }, 'lease renewal failed'))
          .finally(scheduleRenew),
      Math.max(100, Math.floor(deps.leaseTtlMs / 3)),
    );
  }

  schedule(0);
  scheduleRenew();

  return {
    processId,
    owned: () => [...readers.keys()].sort(),
    running: () => !closed,
    poke() {
      poked = true;
      schedule(0);
    },
    async close() {
      closed = true;
      if (tickTimer) clearTimeout(tickTimer);
      await ticking.catch(() => {});
      // Readers stop first (each finishes its batch in flight), then the leases go back; renewal keeps them
      // alive meanwhile.
      await Promise.all([...readers.keys()].map(stopReader));
      renewing = false;
      if (renewTimer) clearTimeout(renewTimer);
      await deps.leases.leave(processId).catch(() => {});
    },
  };
}

function groupByStream(
  keys: readonly string[],
  active: ReadonlyMap<string, { stream: string }>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of keys) {
    const s = active.get(k)!.stream;
    out.set(s, [...(out.get(s) ?? []), k]);
  }
  return out;
}
