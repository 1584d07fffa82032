import type { ViewCounters } from '../ports/view-counters.js';
import { type KinesisStatusDeps, kinesisShardStatus, type ShardStatus } from './kinesis-shard-status.js';
import type { ViewCatalog } from './view-catalog.js';

export interface ViewStatus {
  featureView: string;
  version: number;
  counts: { accepted: number; rejected: number; late: number; duplicate: number; filtered: number };
  lastEventTime: string | null;
  /** Per ordered source (push lane or Kinesis shard): the end of the last batch applied and counted. */
  sources: { source: string; checkpoint: string }[];
  /** Kinesis views only: the stream and its shards (checkpoint, lag, owner, outcomes per shard). */
  kinesis?: { streamName: string; shards: ShardStatus[] };
}

export async function viewStatus(
  deps: { catalog: ViewCatalog; counters: ViewCounters; kinesisStatus?: KinesisStatusDeps },
  name: string,
  version?: number,
): Promise<ViewStatus> {
  const { view } = await deps.catalog.get(name, version);
  const c = await deps.counters.read(view.name, view.version);
  const status: ViewStatus = {
    featureView: view.name,
    version: view.version,
    counts: {
      accepted: c.accepted,
      rejected: c.rejected,
      late: c.late,
      duplicate: c.duplicate,
      filtered: c.filtered,
    },
    lastEventTime: c.lastEventTime === null ? null : new Date(c.lastEventTime).toISOString(),
    sources: Object.entries(c.marks)
      .map(([source, checkpoint]) => ({ source, checkpoint }))
      .sort((a, b) => a.source.localeCompare(b.source)),
  };
  if (view.source.type === 'kinesis' && deps.kinesisStatus) {
    const streamName = view.source.streamName;
    status.kinesis = {
      streamName,
      shards: await kinesisShardStatus(deps.kinesisStatus, view, streamName, c),
    };
  }
  return status;
}
