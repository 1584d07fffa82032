/**
 * Per-shard status of a Kinesis view version (the status route): the stream's shards as last listed, with
 * the view version's checkpoint (its mark) and outcomes per shard, whether it finished a closed shard, the
 * reader's lag, and the process holding the shard's lease.
 */
import type { ShardLeases } from '../ports/shard-leases.js';
import type { ShardStore } from '../ports/shard-store.js';
import type { ViewVersionCounters } from '../ports/view-counters.js';
import { kinesisSource } from './apply-kinesis-batch.js';

export interface ShardStatus {
  shardId: string;
  parentShardIds: string[];
  /** Closed by a reshard (no new records). */
  closed: boolean;
  /** This view version read the closed shard to its end (its children may be read). */
  finished: boolean;
  /** Sequence number of the last batch this view version applied from the shard, or null. */
  checkpoint: string | null;
  /** The shard reader's MillisBehindLatest at its last GetRecords, or null before any. */
  millisBehindLatest: number | null;
  /** Worker process holding the shard's lease (`<host>/<pid>/<id>`), or null. */
  owner: string | null;
  counts: { accepted: number; rejected: number; late: number; duplicate: number; filtered: number };
  /** LATEST: the sequence number after which this version's records count ('0': all of them), or null. */
  latestStart: string | null;
  /** Records this view version's reader read but left out as before its start position. */
  skippedBeforeStart: number;
}

export interface KinesisStatusDeps {
  store: Pick<ShardStore, 'shards' | 'progress' | 'finished' | 'shardStarts'>;
  leases: Pick<ShardLeases, 'owners'>;
}

export async function kinesisShardStatus(
  deps: KinesisStatusDeps,
  view: { name: string; version: number },
  stream: string,
  counters: ViewVersionCounters,
): Promise<ShardStatus[]> {
  const shards = await deps.store.shards(stream);
  const ids = shards.map((s) => s.shardId);
  const refs = ids.map((id) => ({
    view: view.name,
    version: view.version,
    source: kinesisSource(stream, id),
  }));
  const [progress, owners, finished, starts] = await Promise.all([
    deps.store.progress(stream, ids),
    deps.leases.owners(stream, ids),
    deps.store.finished(refs),
    deps.store.shardStarts(refs),
  ]);
  return shards.map((s, i) => {
    const source = kinesisSource(stream, s.shardId);
    return {
      shardId: s.shardId,
      parentShardIds: s.parents,
      closed: s.closed,
      finished: finished[i] ?? false,
      checkpoint: counters.marks[source] ?? null,
      millisBehindLatest: progress[i]?.millisBehindLatest ?? null,
      owner: owners[i] ?? null,
      latestStart: starts[i] ?? null,
      ...shardCounts(counters.sources[source]),
    };
  });
}

function shardCounts(c: ViewVersionCounters['sources'][string] | undefined) {
  if (!c)
    return {
      counts: { accepted: 0, rejected: 0, late: 0, duplicate: 0, filtered: 0 },
      skippedBeforeStart: 0,
    };
  const { skippedBeforeStart, ...counts } = c;
  return { counts, skippedBeforeStart };
}
