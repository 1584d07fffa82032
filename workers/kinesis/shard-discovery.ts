/**
 * A discovery round's view of the work: the live Kinesis views grouped by stream, and the shards that need a
 * reader now (core/kinesis/shard-lineage.ts: a child only once its parents are finished for the view version),
 * each with the view versions that read it and its parents still listed.
 */
import type { Logger } from 'pino';
import { kinesisErrorKind, type ShardApi } from '../../src/adapters/kinesis/shard-api.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { shardAssignments } from '../../src/core/kinesis/shard-lineage.js';
import { isLatest, startTimeOf } from '../../src/core/kinesis/start-position.js';
import type { ShardStore, StoredShard } from '../../src/ports/shard-store.js';
import { kinesisSource, viewRef } from '../../src/services/apply-kinesis-batch.js';
import type { ReaderView } from './reader-view.js';

/** A shard that needs a reader, with the view versions that read it. */
export interface ActiveShard {
  stream: string;
  shardId: string;
  views: ReaderView[];
  /** Its parents (a reshard's) still listed. */
  parents: string[];
}

/** A shard as the coordinator keys it: `<stream>/<shardId>`. */
export const shardKey = (stream: string, shardId: string) => `${stream}/${shardId}`;

/** The Kinesis views among `views`, as reader views grouped by stream. */
export function readerViewsByStream(views: readonly FeatureView[]): Map<string, ReaderView[]> {
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
  return byStream;
}

export class ShardDiscovery {
  /** Streams found missing, so a missing stream is logged once until it appears. */
  private readonly missingStreams = new Set<string>();

  constructor(
    private readonly deps: { api: Pick<ShardApi, 'listShards'>; store: ShardStore },
    private readonly log: Logger,
  ) {}

  /** The shards that need a reader now, by shard key (a stream that cannot be listed adds none this round). */
  async activeShards(byStream: ReadonlyMap<string, ReaderView[]>): Promise<Map<string, ActiveShard>> {
    const active = new Map<string, ActiveShard>();
    for (const [stream, streamViews] of byStream) {
      const shards = await this.listShards(stream);
      if (!shards) continue;
      await this.deps.store.saveShards(stream, shards);
      for (const shard of await this.shardsToRead(stream, shards, streamViews))
        active.set(shardKey(stream, shard.shardId), shard);
    }
    return active;
  }

  /** The stream's shards, or null (logged) when they cannot be listed this round. */
  private async listShards(stream: string): Promise<StoredShard[] | null> {
    try {
      const shards = await this.deps.api.listShards(stream);
      this.missingStreams.delete(stream);
      return shards;
    } catch (err) {
      if (kinesisErrorKind(err) === 'not-found') {
        if (!this.missingStreams.has(stream))
          this.log.warn({ stream }, 'stream does not exist (yet); will look again');
        this.missingStreams.add(stream);
      } else this.log.warn({ stream, err: String(err) }, 'could not list shards');
      return null;
    }
  }

  /** The stream's shards that some view version reads now: not finished for it, parents finished. */
  private async shardsToRead(
    stream: string,
    shards: readonly StoredShard[],
    streamViews: readonly ReaderView[],
  ): Promise<ActiveShard[]> {
    const refs = streamViews.flatMap((v) =>
      shards.map((s) => ({ view: v.name, version: v.version, source: kinesisSource(stream, s.shardId) })),
    );
    const flags = await this.deps.store.finished(refs);
    const finished = new Set(
      refs.filter((_, i) => flags[i]).map((r) => `${r.view}@${r.version}|${r.source}`),
    );
    const plan = shardAssignments(shards, streamViews, (v, shardId) =>
      finished.has(`${v.ref}|${kinesisSource(stream, shardId)}`),
    );
    const listed = new Map(shards.map((s) => [s.shardId, s]));
    return [...plan].map(([shardId, views]) => ({
      stream,
      shardId,
      views,
      parents: listed.get(shardId)!.parents.filter((p) => listed.has(p)),
    }));
  }
}
