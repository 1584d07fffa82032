/**
 * Reads a stream's history for a historical-features job (ports/historical.ts): every shard from TRIM_HORIZON or
 * a timestamp to its end (a closed shard's SHARD_END; an open shard until a call returns nothing and
 * MillisBehindLatest 0) or to the first record that arrived after `to`. Shards are read concurrently, a child only
 * once its parents are read to their end, so each entity's records (one partition key: one shard at a time)
 * come in the order ingestion judges them. Pages wait in a bounded queue, so a slow consumer slows the reads.
 */
import { isAscii } from 'node:buffer';
import type { StartSpec } from '../../core/kinesis/start-position.js';
import type { HistoricalEventReader, SourceBatch } from '../../ports/historical.js';
import type { ShardApi } from './shard-api.js';

/** Pages read ahead of the consumer, across shards. */
const QUEUE_PAGES = 8;
const PAGE_LIMIT = 10_000;

export function kinesisHistoryReader(api: ShardApi): HistoricalEventReader {
  return {
    async *read(events, signal) {
      if (events.type !== 'kinesis') throw new Error('kinesisHistoryReader reads Kinesis history only');
      const shards = await api.listShards(events.streamName);
      const listed = new Set(shards.map((s) => s.shardId));
      const start: StartSpec =
        events.from === 'TRIM_HORIZON'
          ? { type: 'TRIM_HORIZON' }
          : { type: 'AT_TIMESTAMP', ms: events.from.atTimestamp };
      const to = events.to ?? Number.POSITIVE_INFINITY;
      const queue: (SourceBatch | Error | null)[] = [];
      // The consumer stops early (an error, a cancel): the shard readers stop at their next page.
      const stop = new AbortController();
      const stopped = () => signal.aborted || stop.signal.aborted;
      let wake: (() => void) | null = null;
      const waiting: (() => void)[] = [];
      const freeRoom = () => {
        for (const w of waiting.splice(0)) w();
      };
      const put = async (item: SourceBatch | Error | null) => {
        while (queue.length >= QUEUE_PAGES && !stopped()) await new Promise<void>((r) => waiting.push(r));
        queue.push(item);
        const w = wake;
        wake = null;
        w?.();
      };
      const done = new Map<string, Promise<void>>();
      const readShard = (shardId: string, parents: readonly string[]): Promise<void> => {
        let p = done.get(shardId);
        if (p !== undefined) return p;
        p = (async () => {
          await Promise.all(
            parents
              .filter((q) => listed.has(q))
              .map((q) => readShard(q, shards.find((s) => s.shardId === q)!.parents)),
          );
          let iterator: string | null = await api.iterator(events.streamName, shardId, start);
          while (iterator !== null && !stopped()) {
            const page = await api.getRecords(iterator, PAGE_LIMIT);
            const { records } = page;
            if (records.count > 0) {
              const payloads: string[] = [];
              const arrivals: number[] = [];
              const text = pageText(records.data);
              let at = 0;
              let past = false;
              for (let i = 0; i < records.count; i++) {
                const size = records.sizes[i]!;
                if (records.arrivals[i]! > to) {
                  past = true;
                  break;
                }
                payloads.push(
                  text === null ? records.data.toString('utf8', at, at + size) : text.slice(at, at + size),
                );
                arrivals.push(records.arrivals[i]!);
                at += size;
              }
              if (payloads.length > 0) await put({ source: shardId, payloads, arrivals });
              if (past) return;
            } else if (page.millisBehindLatest === 0) return;
            iterator = page.next;
          }
        })();
        done.set(shardId, p);
        return p;
      };
      const all = Promise.all(shards.map((s) => readShard(s.shardId, s.parents))).then(
        () => put(null),
        (err: unknown) => put(err instanceof Error ? err : new Error(String(err))),
      );
      try {
        for (;;) {
          if (queue.length === 0) await new Promise<void>((r) => (wake = r));
          const item = queue.shift();
          freeRoom();
          if (item === undefined) continue;
          if (item === null) return;
          if (item instanceof Error) throw item;
          yield item;
        }
      } finally {
        stop.abort();
        freeRoom();
        await all.catch(() => {});
      }
    },
  };
}

/**
 * A page's payloads as one string when they are all ASCII (JSON records almost always are): byte offsets are then
 * character offsets, and each payload is a slice of it rather than a decode of its own. null: decode one by one.
 */
function pageText(data: Buffer): string | null {
  return isAscii(data) ? data.toString('latin1') : null;
}
