/**
 * Putting records into a stream (the `npm run produce` tool, tests, benchmarks): PutRecords batches of at most
 * 500 records and 5 MiB, paced to a rate, with the records that a response reports failed (throttling,
 * internal errors) retried with backoff until they are in. Records of one partition key keep their order only
 * when none of them has to be retried; the returned sequence numbers tell the order they landed in.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';

export interface ProducerRecord {
  data: Uint8Array;
  partitionKey: string;
}

export interface Landed {
  shardId: string;
  seq: string;
}

export interface ProduceSummary {
  records: number;
  /** PutRecords calls made, and records that had to be sent again. */
  calls: number;
  retried: number;
  seconds: number;
  perShard: Record<string, number>;
  /** Where each input record landed, in input order. */
  landed: Landed[];
}

const MAX_RECORDS = 500;
const MAX_BYTES = 5 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `rate`: records per second (0 = as fast as the stream takes them). */
export async function produce(
  client: KinesisClient,
  stream: string,
  records: readonly ProducerRecord[],
  options: { rate?: number; onProgress?: (done: number) => void } = {},
): Promise<ProduceSummary> {
  const started = Date.now();
  const landed: Landed[] = new Array(records.length);
  let calls = 0;
  let retried = 0;
  let next = 0;
  let done = 0;
  while (next < records.length) {
    // One batch: up to 500 records / 5 MiB.
    const batch: number[] = [];
    let bytes = 0;
    while (next < records.length && batch.length < MAX_RECORDS) {
      const r = records[next]!;
      const size = r.data.length + Buffer.byteLength(r.partitionKey);
      if (batch.length > 0 && bytes + size > MAX_BYTES) break;
      batch.push(next++);
      bytes += size;
    }
    if (options.rate && options.rate > 0) await sleep(started + (done / options.rate) * 1000 - Date.now());
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(5000, 100 * 2 ** attempt) * Math.random());
      calls++;
      const entries: PutRecordsRequestEntry[] = pending.map((i) => ({
        Data: records[i]!.data,
        PartitionKey: records[i]!.partitionKey,
      }));
      let results: { ShardId?: string; SequenceNumber?: string; ErrorCode?: string }[];
      try {
        results =
          (await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }))).Records ?? [];
      } catch (err) {
        const name = (err as Error).name;
        if (name !== 'ProvisionedThroughputExceededException' && name !== 'LimitExceededException') throw err;
        retried += pending.length;
        continue;
      }
      const failed: number[] = [];
      pending.forEach((i, k) => {
        const res = results[k];
        if (res?.SequenceNumber && res.ShardId) landed[i] = { shardId: res.ShardId, seq: res.SequenceNumber };
        else failed.push(i);
      });
      retried += failed.length;
      pending = failed;
    }
    done += batch.length;
    options.onProgress?.(done);
  }
  const perShard: Record<string, number> = {};
  for (const l of landed) perShard[l.shardId] = (perShard[l.shardId] ?? 0) + 1;
  return {
    records: records.length,
    calls,
    retried,
    seconds: (Date.now() - started) / 1000,
    perShard,
    landed,
  };
}

/** Creates the stream with `shards` shards unless it exists, and waits until it is ACTIVE. */
export async function ensureStream(client: KinesisClient, stream: string, shards: number): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceInUseException') throw err;
  }
  await waitActive(client, stream);
}

export async function waitActive(client: KinesisClient, stream: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`stream ${stream} did not become ACTIVE`);
    await sleep(100);
  }
}
