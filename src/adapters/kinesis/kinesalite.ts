/**
 * kinesalite, with one fix: GetShardIterator of type AT_TIMESTAMP never answers (the HTTP request hangs) when no
 * record of the shard arrived at or after the timestamp, e.g. on a new or quiet stream. Kinesis answers with an
 * iterator at the tip: it returns the records put from then on. Eddy reads a LATEST view from the time it was
 * registered (AT_TIMESTAMP), so without the fix such a view read nothing until the SDK's request timeout.
 *
 * The fix wraps kinesalite's GetShardIterator action: for AT_TIMESTAMP it first looks for a record at or after
 * the timestamp; when there is one, kinesalite's own action answers (it finds the same record); when there is
 * none, the iterator points after every record the shard held when the lookup began (kinesalite's LATEST, with
 * the shard's sequence index taken before the lookup, so a record put meanwhile is not skipped).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Callback = (err: unknown, data?: { ShardIterator: string }) => void;
type Action = (store: KinesaliteStore, data: GetShardIteratorInput, cb: Callback) => void;

interface GetShardIteratorInput {
  StreamName: string;
  ShardId: string;
  ShardIteratorType: string;
  StartingSequenceNumber?: string;
  /** Epoch seconds (kinesalite's wire form). */
  Timestamp?: number;
}

interface KinesaliteStream {
  Shards: { SequenceNumberRange: { StartingSequenceNumber: string } }[];
  _seqIx: number[];
}

interface KinesaliteStore {
  getStream(name: string, cb: (err: unknown, stream?: KinesaliteStream) => void): void;
  getStreamDb(name: string): {
    createReadStream(opts: { gt: string; lt: string }): NodeJS.ReadableStream & { destroy(): void };
  };
}

interface KinesaliteDb {
  resolveShardId(id: string): { shardId: string; shardIx: number };
  shardIxToHex(ix: number): string;
  parseSequence(seq: string): { shardCreateTime: number; shardIx: number };
  stringifySequence(o: { shardCreateTime: number; seqIx: number; seqTime: number; shardIx: number }): string;
  createShardIterator(stream: string, shardId: string, seq: string): string;
}

function fixAtTimestamp(original: Action, db: KinesaliteDb): Action {
  return (store, data, cb) => {
    const ts = data.Timestamp;
    if (
      data.ShardIteratorType !== 'AT_TIMESTAMP' ||
      ts == null ||
      data.StartingSequenceNumber ||
      ts * 1000 > Date.now()
    )
      return original(store, data, cb); // not the case that hangs (or an error kinesalite reports itself)
    let shard: { shardId: string; shardIx: number };
    try {
      shard = db.resolveShardId(data.ShardId);
    } catch {
      return original(store, data, cb);
    }
    store.getStream(data.StreamName, (err, stream) => {
      if (err || !stream || shard.shardIx >= stream.Shards.length) return original(store, data, cb);
      const seqIx = stream._seqIx[Math.floor(shard.shardIx / 5)] ?? 0;
      const seqTime = Date.now();
      const records = store.getStreamDb(data.StreamName).createReadStream({
        gt: db.shardIxToHex(shard.shardIx),
        lt: db.shardIxToHex(shard.shardIx + 1),
      });
      let answered = false;
      const answer = (fn: () => void) => {
        if (answered) return;
        answered = true;
        records.destroy();
        fn();
      };
      records.on('data', (item: { value: { ApproximateArrivalTimestamp: number } }) => {
        if (item.value.ApproximateArrivalTimestamp >= ts) answer(() => original(store, data, cb));
      });
      records.on('error', (e: unknown) => answer(() => cb(e)));
      records.on('end', () =>
        answer(() => {
          const start = db.parseSequence(
            stream.Shards[shard.shardIx]!.SequenceNumberRange.StartingSequenceNumber,
          );
          const seq = db.stringifySequence({
            shardCreateTime: start.shardCreateTime,
            seqIx,
            seqTime,
            shardIx: start.shardIx,
          });
          cb(null, { ShardIterator: db.createShardIterator(data.StreamName, shard.shardId, seq) });
        }),
      );
    });
  };
}

export interface KinesaliteOptions {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
}

type KinesaliteFactory = (options: KinesaliteOptions) => import('node:http').Server;

let factory: KinesaliteFactory | null = null;

/** kinesalite's server factory with the AT_TIMESTAMP fix (the action is replaced before kinesalite loads it). */
export function kinesalite(options: KinesaliteOptions): import('node:http').Server {
  if (!factory) {
    if (require.cache[require.resolve('kinesalite')])
      throw new Error('kinesalite was loaded before its AT_TIMESTAMP fix could apply');
    const actionPath = require.resolve('kinesalite/actions/getShardIterator');
    const original = require(actionPath) as Action;
    const db = require('kinesalite/db') as KinesaliteDb;
    const cached = require.cache[actionPath];
    if (!cached) throw new Error('kinesalite: GetShardIterator action not in the module cache');
    cached.exports = fixAtTimestamp(original, db);
    factory = require('kinesalite') as KinesaliteFactory;
  }
  return factory(options);
}
