/**
 * The Kinesis ingest baseline, in its own process: a bare GetRecords loop that drains a stream from TRIM_HORIZON,
 * every shard in parallel (one call after the other per shard, Limit 10,000, no pacing, nothing done with the
 * records). Usage: get-records-child.ts <endpoint> <stream> <records>. Prints {records, seconds} as JSON, timed
 * from the first call to the last record; gives up after 5 minutes.
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/adapters/kinesis/client.js';

const [endpoint, stream, wantArg] = process.argv.slice(2);
if (!endpoint || !stream || !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint))
  throw new Error('usage: <endpoint> <stream> <n>');
const want = Number(wantArg);
const client = createKinesisClient({ endpoint, region: 'us-east-1', dummyCredentials: true });
const deadline = Date.now() + 300_000;

const started = performance.now();
const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
let total = 0;
let lastAt = started;
await Promise.all(
  shards.map(async (shard) => {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator && total < want && Date.now() < deadline) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      const n = page.Records?.length ?? 0;
      total += n;
      if (n > 0) lastAt = performance.now();
      if (n === 0 && (page.MillisBehindLatest ?? 0) === 0) {
        // This shard is drained; the others may not be.
        if (total >= want) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      iterator = page.NextShardIterator;
    }
  }),
);
client.destroy();
process.stdout.write(`${JSON.stringify({ records: total, seconds: (lastAt - started) / 1000 })}\n`);
