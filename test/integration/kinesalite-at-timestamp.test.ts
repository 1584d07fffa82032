/**
 * The embedded kinesalite's AT_TIMESTAMP fix (src/adapters/kinesis/kinesalite.ts), through the real AWS SDK:
 * an iterator at a time no record reaches yet is answered at once and returns the records put afterwards, as
 * Kinesis does; where records at or after the time exist, the iterator starts at the first of them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { createStream, startKinesalite, type TestKinesis } from '../helpers/kinesis-emulator.js';

let kinesis: TestKinesis;
before(async () => {
  kinesis = await startKinesalite();
});
after(() => kinesis.close());

const SHARD = 'shardId-000000000000';
const put = (stream: string, n: number) =>
  kinesis.client.send(
    new PutRecordCommand({
      StreamName: stream,
      PartitionKey: 'p',
      Data: new TextEncoder().encode(`{"n":${n}}`),
    }),
  );
const iteratorAt = async (stream: string, at: Date) =>
  (
    await kinesis.client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: SHARD,
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: at,
      }),
    )
  ).ShardIterator!;
const numbers = (records: _Record[] | undefined) =>
  (records ?? []).map((r) => (JSON.parse(new TextDecoder().decode(r.Data)) as { n: number }).n);
const read = async (iterator: string) =>
  numbers((await kinesis.client.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records);

test('AT_TIMESTAMP on an empty shard answers at once and returns the records put afterwards', async () => {
  await createStream(kinesis, 'ts-empty', 1);
  const started = performance.now();
  const iterator = await iteratorAt('ts-empty', new Date(Date.now() - 10));
  assert.ok(performance.now() - started < 2000, 'the iterator request hung');
  await put('ts-empty', 1);
  await put('ts-empty', 2);
  assert.deepEqual(await read(iterator), [1, 2]);
});

test('AT_TIMESTAMP after every record skips them; before some, it starts at the first at or after it', async () => {
  await createStream(kinesis, 'ts-old', 1);
  await put('ts-old', 1);
  await new Promise((r) => setTimeout(r, 1100)); // arrival times have 1 s resolution on the wire
  const between = new Date();
  await new Promise((r) => setTimeout(r, 1100));
  await put('ts-old', 2);
  assert.deepEqual(await read(await iteratorAt('ts-old', between)), [2]);
  await new Promise((r) => setTimeout(r, 1100));
  const afterAll = await iteratorAt('ts-old', new Date(Date.now() - 5));
  await put('ts-old', 3);
  assert.deepEqual(await read(afterAll), [3]);
});
