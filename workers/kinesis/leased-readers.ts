/**
 * The shard readers one process runs, one per shard it holds the lease of. A reader that ends hands its lease
 * back (unless it was aborted: the lease is no longer its own); one that finished its shard (SHARD_END) lets
 * the children of a reshard start at once.
 */
import type { Logger } from 'pino';
import type { ShardLeases } from '../../src/ports/shard-leases.js';
import type { ReaderView } from './reader-view.js';
import { shardKey } from './shard-discovery.js';
import { ShardReader, type ShardReaderDeps } from './shard-reader.js';

interface Running {
  stream: string;
  shardId: string;
  reader: ShardReader;
  ended: Promise<unknown>;
}

export class LeasedReaders {
  private readonly readers = new Map<string, Running>();

  constructor(
    private readonly deps: ShardReaderDeps & { leases: ShardLeases },
    private readonly processId: string,
    private readonly log: Logger,
    /** A reader finished its shard: its children may start now. */
    private readonly onFinished: () => void,
  ) {}

  /** The shard keys (`<stream>/<shardId>`) read now. */
  keys(): string[] {
    return [...this.readers.keys()];
  }

  /** Starts a reader for a shard whose lease this process just took, at generation `lease`. */
  start(stream: string, shardId: string, views: ReaderView[], lease: number, parents: string[]): void {
    const reader = new ShardReader(
      { ...this.deps, log: this.log.child({ component: 'shard-reader' }) },
      stream,
      shardId,
      views,
      lease,
      parents,
    );
    const key = shardKey(stream, shardId);
    const ended = reader.start().then(async (end) => {
      if (this.readers.get(key)?.reader === reader) this.readers.delete(key);
      if (end !== 'aborted') await this.deps.leases.release(stream, shardId, this.processId).catch(() => {});
      if (end === 'finished') this.onFinished();
    });
    this.readers.set(key, { stream, shardId, reader, ended });
    this.log.info({ stream, shardId, lease }, 'shard lease taken');
  }

  /** Stops the shard's reader gracefully (it finishes its batch in flight) and waits until its lease is back. */
  async stop(key: string): Promise<void> {
    const r = this.readers.get(key);
    if (!r) return;
    await r.reader.stop();
    await r.ended;
    this.log.info({ stream: r.stream, shardId: r.shardId }, 'shard lease handed back');
  }

  /** Tells each reader the view versions that read its shard now. */
  setViews(viewsOf: (key: string) => ReaderView[]): void {
    for (const [key, r] of this.readers) r.reader.setViews(viewsOf(key));
  }

  /** Renews every lease; a reader whose lease is lost stops at once (without waiting for its batch). */
  async renew(ttlMs: number): Promise<void> {
    for (const [key, r] of this.readers) {
      if (!(await this.deps.leases.renew(r.stream, r.shardId, this.processId, ttlMs))) {
        this.log.warn({ stream: r.stream, shardId: r.shardId }, 'shard lease lost; stopping its reader');
        this.readers.delete(key);
        r.reader.abort();
      }
    }
  }
}
