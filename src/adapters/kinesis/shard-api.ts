/**
 * The three Kinesis calls a shard reader needs, over the SDK client, with the SDK's shapes turned into ours.
 * Errors keep the SDK's names; `kinesisErrorKind` sorts them for the reader's recovery policy.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { StartSpec } from '../../core/kinesis/start-position.js';
import type { StoredShard } from '../../ports/shard-store.js';
import { type RecordColumns, recordColumns } from './record-columns.js';

export interface RecordsPage {
  /** The page's records, as columns (record-columns.ts: cheap to hold while the batch applies). */
  records: RecordColumns;
  /** null at SHARD_END: the shard is closed and every record was returned. */
  next: string | null;
  millisBehindLatest: number;
}

export interface ShardApi {
  listShards(stream: string): Promise<StoredShard[]>;
  iterator(stream: string, shardId: string, start: StartSpec): Promise<string>;
  /** Hands the request to the client before its first await: a reader paces from the moment of the call. */
  getRecords(iterator: string, limit: number): Promise<RecordsPage>;
}

export type KinesisErrorKind = 'throttled' | 'expired' | 'not-found' | 'other';

export function kinesisErrorKind(err: unknown): KinesisErrorKind {
  const name = (err as { name?: string } | null)?.name ?? '';
  if (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'LimitExceededException' ||
    name === 'KMSThrottlingException' ||
    name === 'ThrottlingException'
  )
    return 'throttled';
  if (name === 'ExpiredIteratorException') return 'expired';
  if (name === 'ResourceNotFoundException') return 'not-found';
  return 'other';
}

const toStored = (s: Shard): StoredShard => ({
  shardId: s.ShardId!,
  parents: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => !!p),
  closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
});

export function shardApi(client: KinesisClient): ShardApi {
  return {
    async listShards(stream) {
      const out: StoredShard[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListShardsCommand(token ? { NextToken: token } : { StreamName: stream, MaxResults: 1000 }),
        );
        for (const s of page.Shards ?? []) out.push(toStored(s));
        token = page.NextToken;
      } while (token);
      return out;
    },
    async iterator(stream, shardId, start) {
      const base = { StreamName: stream, ShardId: shardId };
      const input =
        start.type === 'TRIM_HORIZON' || start.type === 'LATEST'
          ? { ...base, ShardIteratorType: start.type }
          : start.type === 'AT_TIMESTAMP'
            ? { ...base, ShardIteratorType: start.type, Timestamp: new Date(Math.min(start.ms, Date.now())) }
            : { ...base, ShardIteratorType: start.type, StartingSequenceNumber: start.seq };
      const res = await client.send(new GetShardIteratorCommand(input));
      if (!res.ShardIterator) throw new Error(`no shard iterator for ${stream}/${shardId}`);
      return res.ShardIterator;
    },
    async getRecords(iterator, limit) {
      const res = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      return {
        records: recordColumns(res.Records ?? []),
        next: res.NextShardIterator ?? null,
        millisBehindLatest: res.MillisBehindLatest ?? 0,
      };
    },
  };
}
