/**
 * Kinesis readers under resharding and faults, in process (kinesalite on a free loopback port, a private Redis,
 * the real app and workers):
 * - a split and then a merge in the middle of the stream: children start only after their parents are finished,
 *   so every entity's records are still judged in order and the values equal the oracle;
 * - injected throttling (ProvisionedThroughputExceeded, LimitExceeded) and expired iterators — some before the
 *   call, some after a real GetRecords whose answer is then lost — still give exactly the oracle's values.
 * Faults come from a wrapper around the real KinesisClient's `send` (a fault-injecting wrapper, not a mock:
 * every call that is not failed goes to kinesalite).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/adapters/kinesis/client.js';
import { produce, waitActive } from '../../src/adapters/kinesis/producer.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { assertMatchesOracle, expectedFor, sensorDataset } from '../helpers/kinesis-dataset.js';
import {
  createStream,
  FAST_KINESIS_ENV,
  startKinesalite,
  type TestKinesis,
} from '../helpers/kinesis-emulator.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';

/** Fault injection around a real client; off until a test turns it on. */
const faults = {
  on: false,
  random: seededRandom(99),
  injected: { throttled: 0, limitExceeded: 0, expiredBefore: 0, expiredAfter: 0 },
};

/** GetRecords pacing as Kinesis would see it: the shortest gap between two calls on one shard, ms. */
const pacing = {
  shardOf: new Map<string, string>(),
  lastCall: new Map<string, number>(),
  minGapMs: Number.POSITIVE_INFINITY,
  calls: 0,
};

function injectFaults(client: KinesisClient): KinesisClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  const fail = (name: string) => Object.assign(new Error(`injected ${name}`), { name, $fault: 'client' });
  client.send = (async (command: { constructor: { name: string }; input: Record<string, string> }) => {
    const op = command.constructor.name;
    if (op === 'GetRecordsCommand') {
      const shard = pacing.shardOf.get(command.input.ShardIterator!);
      if (shard) {
        const now = performance.now();
        const last = pacing.lastCall.get(shard);
        if (last !== undefined) pacing.minGapMs = Math.min(pacing.minGapMs, now - last);
        pacing.lastCall.set(shard, now);
        pacing.calls++;
      }
    }
    if (faults.on && op === 'GetRecordsCommand') {
      const r = faults.random();
      if (r < 0.15) {
        faults.injected.throttled++;
        throw fail('ProvisionedThroughputExceededException');
      }
      if (r < 0.25) {
        faults.injected.expiredBefore++;
        throw fail('ExpiredIteratorException');
      }
      if (r < 0.3) {
        await send(command); // the records were read, but the answer is lost
        faults.injected.expiredAfter++;
        throw fail('ExpiredIteratorException');
      }
    }
    if (
      faults.on &&
      (op === 'GetShardIteratorCommand' || op === 'ListShardsCommand') &&
      faults.random() < 0.1
    ) {
      faults.injected.limitExceeded++;
      throw fail('LimitExceededException');
    }
    const result = (await send(command)) as { ShardIterator?: string; NextShardIterator?: string };
    const shard =
      op === 'GetShardIteratorCommand'
        ? `${command.input.StreamName}/${command.input.ShardId}`
        : pacing.shardOf.get(command.input.ShardIterator!);
    const next = result.ShardIterator ?? result.NextShardIterator;
    if (shard && next) pacing.shardOf.set(next, shard);
    return result;
  }) as KinesisClient['send'];
  return client;
}

let kinesis: TestKinesis;
let eddy: TestEddy;
let readerClient: KinesisClient;
before(async () => {
  kinesis = await startKinesalite();
  readerClient = injectFaults(
    createKinesisClient({ endpoint: kinesis.url, region: 'us-east-1', dummyCredentials: true }),
  );
  eddy = await startEddy(
    { ...FAST_KINESIS_ENV, KINESIS_ENDPOINT: kinesis.url, LOG_LEVEL: process.env.EDDY_LOG ?? 'silent' },
    { api: true, worker: true },
    { kinesisClient: readerClient },
  );
});
after(async () => {
  await eddy?.close();
  readerClient?.destroy();
  await kinesis?.close();
});

const shards = async (stream: string) =>
  (await kinesis.client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];

test('a split and a merge in the middle of the stream: exactly the oracle', async () => {
  const stream = 'reshard';
  await createStream(kinesis, stream, 2);
  const view = await createView(eddy.app, kinesisViewSpec('reshard_view', stream));
  const { items } = sensorDataset({ entities: 100, perEntity: 60, seed: 31 });
  const third = Math.floor(items.length / 3);
  const landed = [];

  landed.push(...(await produce(kinesis.client, stream, items.slice(0, third))).landed);
  // Split shard 0 in the middle of its hash range (children 2 and 3).
  const [s0] = await shards(stream);
  const mid = (BigInt(s0!.HashKeyRange!.StartingHashKey!) + BigInt(s0!.HashKeyRange!.EndingHashKey!)) / 2n;
  await kinesis.client.send(
    new SplitShardCommand({
      StreamName: stream,
      ShardToSplit: s0!.ShardId,
      NewStartingHashKey: mid.toString(),
    }),
  );
  await waitActive(kinesis.client, stream);
  landed.push(...(await produce(kinesis.client, stream, items.slice(third, 2 * third))).landed);
  // Merge the upper child of the split with shard 1 (adjacent hash ranges, different lineages): child 4.
  await kinesis.client.send(
    new MergeShardsCommand({
      StreamName: stream,
      ShardToMerge: 'shardId-000000000003',
      AdjacentShardToMerge: 'shardId-000000000001',
    }),
  );
  await waitActive(kinesis.client, stream);
  landed.push(...(await produce(kinesis.client, stream, items.slice(2 * third))).landed);
  assert.ok(landed.some((l) => l.shardId === 'shardId-000000000004'));

  const expected = expectedFor(view, items, landed);
  await waitConsumed(eddy.app, 'reshard_view', items.length);
  await assertMatchesOracle(eddy.app, view, expected);

  const s = await status(eddy.app, 'reshard_view');
  const byId = new Map(s.kinesis.shards.map((x: { shardId: string }) => [x.shardId, x]));
  assert.equal(byId.size, 5);
  assert.deepEqual((byId.get('shardId-000000000004') as { parentShardIds: string[] }).parentShardIds.sort(), [
    'shardId-000000000001',
    'shardId-000000000003',
  ]);
  for (const id of ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000003']) {
    const x = byId.get(id) as { closed: boolean; finished: boolean };
    assert.equal(x.closed, true, id);
    assert.equal(x.finished, true, id);
  }
});

test('injected throttling and expired iterators: exactly the oracle', async () => {
  const stream = 'faulty';
  await createStream(kinesis, stream, 4);
  // Faults from before the registration: a registration wakes the readers at once, so their first shard listing
  // and iterators (where LimitExceededException is injected) come right after it.
  faults.on = true;
  try {
    const view = await createView(eddy.app, kinesisViewSpec('faulty_view', stream));
    const { items } = sensorDataset({ entities: 100, perEntity: 60, seed: 41 });
    const put = await produce(kinesis.client, stream, items, { rate: 3000 });
    const expected = expectedFor(view, items, put.landed);
    await waitConsumed(eddy.app, 'faulty_view', items.length, 90_000);
    await assertMatchesOracle(eddy.app, view, expected);
  } finally {
    faults.on = false;
  }
  const n = faults.injected;
  assert.ok(
    n.throttled > 0 && n.expiredBefore > 0 && n.expiredAfter > 0 && n.limitExceeded > 0,
    JSON.stringify(n),
  );
});

test('GetRecords is never called more than 5 times a second on one shard, faults or not', (t) => {
  assert.ok(pacing.calls > 50, `only ${pacing.calls} calls seen`);
  // Timers never fire early; 1 ms of slack for reading the clock in the reader and in this wrapper.
  assert.ok(pacing.minGapMs >= 199, `two calls on one shard ${pacing.minGapMs.toFixed(1)} ms apart`);
  t.diagnostic(
    `${pacing.calls} GetRecords calls; shortest gap on one shard ${pacing.minGapMs.toFixed(1)} ms`,
  );
});
