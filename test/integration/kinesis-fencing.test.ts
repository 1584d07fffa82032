/**
 * Fencing: two readers on one shard, the old one unaware that its lease was taken over (its renewals failed
 * while Redis erred, so nobody stopped it). Its batches carry the old lease generation: none of them is applied
 * once the lease moved, the old reader stops at its first fenced batch, and the new holder alone gives exactly
 * the oracle's values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { shardApi } from '../../src/adapters/kinesis/shard-api.js';
import { kinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import type { KinesisBatchData, KinesisBatchResult } from '../../src/adapters/queue/registry.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisShardLeases } from '../../src/adapters/redis/redis-shard-leases.js';
import { redisShardStore } from '../../src/adapters/redis/redis-shard-store.js';
import { redisViewCounters } from '../../src/adapters/redis/redis-view-counters.js';
import { defineEddyCommands } from '../../src/adapters/redis/scripts.js';
import { kinesisSource, viewRef } from '../../src/services/apply-kinesis-batch.js';
import type { ReaderView } from '../../workers/kinesis/reader-view.js';
import { ShardReader } from '../../workers/kinesis/shard-reader.js';
import { assertMatchesOracle, expectedFor, sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';

// The in-process worker applies batches; its discovery never runs again after the view is created, so the two
// readers below are the shard's only ones.
const suite = inProcessSuite({ EDDY_KINESIS_DISCOVERY_MS: '300000', EDDY_KINESIS_LEASE_TTL_MS: '60000' });

const until = async (what: string, probe: () => Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('a batch read under a lease that was taken over is never applied', async () => {
  const stream = 'fenced';
  await createStream(suite.kinesis, stream, 1);
  const [shard] = await shardApi(suite.kinesis.client).listShards(stream);
  const shardId = shard!.shardId;
  const redis = defineEddyCommands(new Redis(suite.eddy.redisUrl));
  const keys = keyLayout(suite.eddy.prefix);
  const leases = redisShardLeases(redis, keys);
  const batches = kinesisBatches(redis, suite.eddy.prefix);
  const counters = redisViewCounters(redis, keys);

  const oldLease = await leases.acquire(stream, shardId, 'old-holder', 60_000);
  assert.ok(oldLease !== null);
  const view = await createView(suite.eddy.app, kinesisViewSpec('fenced_view', stream));
  const views: ReaderView[] = [
    { ref: viewRef(view.name, view.version), name: view.name, version: view.version, startMs: null },
  ];
  const reader = (recordLimit: number, lease: number) =>
    new ShardReader(
      {
        api: shardApi(suite.kinesis.client),
        batches,
        store: redisShardStore(redis, keys),
        counters,
        recordLimit,
        idleMs: 200,
        log: pino({ level: 'silent' }),
      },
      stream,
      shardId,
      views,
      lease,
    );

  const { items } = sensorDataset({ entities: 40, perEntity: 60, seed: 5 });
  const half = items.length / 2;
  const first = await produce(suite.kinesis.client, stream, items.slice(0, half));
  const oldReader = reader(70, oldLease!);
  const oldEnd = oldReader.start();
  const source = kinesisSource(stream, shardId);
  await until(
    'the old holder to apply a batch',
    async () => (await counters.mark(view.name, view.version, source)) !== '',
  );

  // The lease expires unnoticed and the new holder takes it; the old reader goes on.
  await redis.del(keys.kinesisLease(stream, shardId));
  const newLease = await leases.acquire(stream, shardId, 'new-holder', 60_000);
  const takenOverAt = Date.now();
  assert.ok(newLease !== null && newLease > oldLease!);
  const newReader = reader(100, newLease);
  const newEnd = newReader.start();
  const second = await produce(suite.kinesis.client, stream, items.slice(half));
  try {
    const ended = await Promise.race([
      oldEnd,
      new Promise((r) => setTimeout(() => r('still running'), 20_000)),
    ]);
    assert.equal(ended, 'aborted', 'the old reader stops at its first fenced batch');
    await waitConsumed(suite.eddy.app, view.name, items.length);

    // Every batch of the old lease that began to run after the takeover was fenced: nothing of it applied.
    const jobs = await batches.queue().getJobs(['completed']);
    const late = jobs.filter((j) => {
      const data = j.data as KinesisBatchData;
      return data.lease === oldLease && (j.processedOn ?? 0) > takenOverAt;
    });
    for (const j of late) assert.equal((j.returnvalue as KinesisBatchResult).fenced, true, j.id);
    // The old reader stopped because a batch of its lease was fenced (one that began just before the takeover may
    // have checked its lease just after it: the check is per attempt, not per start).
    const fenced = jobs.filter(
      (j) => (j.data as KinesisBatchData).lease === oldLease && (j.returnvalue as KinesisBatchResult).fenced,
    );
    assert.ok(fenced.length > 0, 'a batch of the old lease was fenced');

    const s = await status(suite.eddy.app, view.name);
    assert.equal(s.kinesis.shards[0].counts.accepted, s.counts.accepted);
    const expected = expectedFor(view, items, [...first.landed, ...second.landed]);
    await assertMatchesOracle(suite.eddy.app, view, expected);
  } finally {
    // Stopped even when an assertion fails, so a failure never leaves readers polling until the file times out.
    await oldReader.stop();
    await newReader.stop();
    await Promise.allSettled([oldEnd, newEnd]);
    await batches.close();
    redis.disconnect();
  }
});
