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
 * and re-lists shards, so resharding is followed (shard-discovery.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import { planLeases } from '../../src/core/kinesis/lease-balance.js';
import type { ShardLeases } from '../../src/ports/shard-leases.js';
import type { ShardStore } from '../../src/ports/shard-store.js';
import type { ViewCounters } from '../../src/ports/view-counters.js';
import type { ViewCatalog } from '../../src/services/view-catalog.js';
import type { KinesisMetrics } from './kinesis-metrics.js';
import { LeasedReaders } from './leased-readers.js';
import { type ActiveShard, readerViewsByStream, ShardDiscovery } from './shard-discovery.js';

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

export function startKinesisReaders(deps: KinesisReadersDeps): KinesisReaders {
  const coordinator = new Coordinator(
    deps,
    deps.processId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`,
  );
  coordinator.schedule(0);
  coordinator.scheduleRenew();
  return {
    processId: coordinator.processId,
    owned: () => coordinator.readers.keys().sort(),
    running: () => !coordinator.closed,
    poke: () => coordinator.poke(),
    close: () => coordinator.close(),
  };
}

/** One process's discovery rounds and lease renewals, on their timers. */
class Coordinator {
  readonly readers: LeasedReaders;
  closed = false;
  private readonly discovery: ShardDiscovery;
  private readonly log: Logger;
  private renewing = true;
  private tickTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  /** A poke arrived that no round has started since: the round in progress must not push it back. */
  private poked = false;

  constructor(
    private readonly deps: KinesisReadersDeps,
    readonly processId: string,
  ) {
    this.log = deps.log.child({ component: 'kinesis', processId });
    this.discovery = new ShardDiscovery(deps, this.log);
    this.readers = new LeasedReaders(deps, processId, this.log, () => {
      if (!this.closed) this.schedule(0); // its children may start now
    });
  }

  /** A discovery round: heartbeat, find the shards to read, update the readers, balance the leases. */
  private async tick(): Promise<void> {
    const live = await this.deps.leases.heartbeat(this.processId, this.deps.leaseTtlMs);
    const views = (await this.deps.catalog.list()).filter((v) => v.source.type === 'kinesis');
    const active = await this.discovery.activeShards(readerViewsByStream(views));
    // Readers whose shard no longer needs reading (views deleted) stop; the others learn their view set.
    await Promise.all(
      this.readers
        .keys()
        .filter((k) => !active.has(k))
        .map((k) => this.readers.stop(k)),
    );
    this.readers.setViews((key) => active.get(key)!.views);
    await this.balanceLeases(active, live);
  }

  /** Hands back the leases above this process's share and takes free ones up to it (core/kinesis/lease-balance.ts). */
  private async balanceLeases(active: ReadonlyMap<string, ActiveShard>, live: string[]): Promise<void> {
    const keys = [...active.keys()];
    const owners = new Map<string, string | null>();
    for (const [stream, streamKeys] of groupByStream(keys, active)) {
      const ids = streamKeys.map((k) => active.get(k)!.shardId);
      const holders = await this.deps.leases.owners(stream, ids);
      streamKeys.forEach((k, i) => {
        owners.set(k, holders[i] ?? null);
      });
    }
    // Our own readers count as ours even in the instant between a lease expiring and its renewal.
    for (const key of this.readers.keys()) owners.set(key, this.processId);
    const rank = (key: string) =>
      createHash('sha1').update(this.processId).update(key).digest().readUInt32BE(0);
    const plan = planLeases({ shards: keys, owners, me: this.processId, live }, rank);
    await Promise.all(plan.release.map((k) => this.readers.stop(k)));
    for (const key of plan.acquire) {
      if (this.closed) return;
      const a = active.get(key)!;
      const lease = await this.deps.leases.acquire(a.stream, a.shardId, this.processId, this.deps.leaseTtlMs);
      if (lease !== null) this.readers.start(a.stream, a.shardId, a.views, lease, a.parents);
    }
  }

  /** Heartbeats and renews every lease held (every third of the lease TTL). */
  private async renew(): Promise<void> {
    await this.deps.leases.heartbeat(this.processId, this.deps.leaseTtlMs);
    await this.readers.renew(this.deps.leaseTtlMs);
  }

  /** Runs a discovery round after `delayMs` (after the one in progress), then every `discoveryMs`. */
  schedule(delayMs: number): void {
    if (this.closed) return;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      this.poked = false;
      this.ticking = this.ticking
        .then(() => this.tick())
        .catch((err) => this.log.warn({ err: String(err) }, 'kinesis discovery round failed'))
        .finally(() => this.schedule(this.poked ? 0 : this.deps.discoveryMs));
    }, delayMs);
  }

  scheduleRenew(): void {
    if (!this.renewing) return;
    this.renewTimer = setTimeout(
      () =>
        void this.renew()
          .catch((err) => this.log.warn({ err: String(err) }, 'lease renewal failed'))
          .finally(() => this.scheduleRenew()),
      Math.max(100, Math.floor(this.deps.leaseTtlMs / 3)),
    );
  }

  poke(): void {
    this.poked = true;
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    await this.ticking.catch(() => {});
    // Readers stop first (each finishes its batch in flight), then the leases go back; renewal keeps them
    // alive meanwhile.
    await Promise.all(this.readers.keys().map((k) => this.readers.stop(k)));
    this.renewing = false;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    await this.deps.leases.leave(this.processId).catch(() => {});
  }
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
