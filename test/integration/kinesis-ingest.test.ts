/**
 * Kinesis ingestion end to end, in process: kinesalite on a free loopback port, a private Redis, the real app and
 * real BullMQ workers. A 4-shard stream with 20,400 records over 200 sensors (out-of-order, late, duplicate-id
 * and bad records): once the status shows everything consumed, every online value equals the brute-force oracle
 * and the counts add up to the records put; bad records are in the dead-letter store with shard, sequence
 * number and reason.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { KINESIS_BATCH_QUEUE, type KinesisBatchData } from '../../src/adapters/queue/registry.js';
import { compileView } from '../../src/core/compile-view.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { assertMatchesOracle, expectedFor, sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';
import { testRedisClient } from '../helpers/redis.js';

const suite = inProcessSuite();

test('4 shards, 20,400 records over 200 entities: online values equal the oracle, counts add up', async () => {
  await createStream(suite.kinesis, 'sensors-a', 4);
  const view = await createView(suite.eddy.app, kinesisViewSpec('sensor_a', 'sensors-a'));
  const { items } = sensorDataset({ entities: 200, perEntity: 102, seed: 1 });
  const put = await produce(suite.kinesis.client, 'sensors-a', items, { rate: 0 });
  assert.equal(Object.keys(put.perShard).length, 4);
  const expected = expectedFor(view, items, put.landed);
  assert.ok(expected.counts.late > 100 && expected.counts.duplicate > 100 && expected.counts.rejected > 300);

  const s = await waitConsumed(suite.eddy.app, 'sensor_a', items.length);
  await assertMatchesOracle(suite.eddy.app, view, expected);

  // Per shard: the view's checkpoint is the last record put there; outcomes add up to what was put there.
  assert.equal(s.kinesis.streamName, 'sensors-a');
  assert.equal(s.kinesis.shards.length, 4);
  for (const shard of s.kinesis.shards) {
    const last = put.landed.filter((l) => l.shardId === shard.shardId).at(-1)!;
    assert.equal(shard.checkpoint, last.seq);
    const c = shard.counts;
    assert.equal(c.accepted + c.rejected + c.late + c.duplicate, put.perShard[shard.shardId]);
    assert.equal(shard.millisBehindLatest, 0);
    assert.match(shard.owner, /\//);
  }

  // Bad records are dead letters with their shard, sequence number and reason.
  const dl = await suite.eddy.app.inject({ url: '/v1/feature-views/sensor_a/dead-letters?limit=1000' });
  assert.equal(dl.statusCode, 200, dl.body);
  const letters = dl.json();
  assert.equal(letters.total, expected.counts.rejected);
  const codes = new Set(letters.items.map((l: { code: string }) => l.code));
  for (const code of [
    'INVALID_UTF8',
    'INVALID_JSON',
    'NOT_AN_OBJECT',
    'ENTITY_KEY_MISSING',
    'FIELD_NOT_A_NUMBER',
  ])
    assert.ok(codes.has(code), code);
  for (const l of letters.items) {
    assert.equal(l.source.type, 'kinesis');
    assert.equal(l.id, `k:sensors-a:${l.source.shardId}:${l.source.sequenceNumber}@1`);
    assert.ok(put.landed.some((p) => p.seq === l.source.sequenceNumber && p.shardId === l.source.shardId));
    assert.ok(l.reason.length > 0);
  }

  // Completed batch jobs keep their result and what names the batch, not its records (drop-applied-records.ts); one
  // run again (as BullMQ runs a job that stalled after its records were dropped) changes nothing.
  const redis = await testRedisClient();
  const queue = new Queue<KinesisBatchData>(KINESIS_BATCH_QUEUE, {
    connection: redis,
    prefix: bullPrefix(redis, suite.eddy.prefix, KINESIS_BATCH_QUEUE),
  });
  try {
    const done = (await queue.getJobs(['completed'])).filter((j) => j.data.views.includes('sensor_a@1'));
    assert.ok(done.length >= 4, `completed batch jobs: ${done.length}`);
    for (const job of done) {
      assert.deepEqual(job.data.records.sizes, []);
      assert.match(job.data.batchEnd, /^\d+$/);
      assert.equal(job.returnvalue.batchEnd, job.data.batchEnd);
      assert.ok((await redis.hstrlen(queue.toKey(job.id!), 'data')) < 500);
    }
    const again = done[0]!;
    await again.retry('completed');
    for (let i = 0; (await queue.getJobState(again.id!)) !== 'completed'; i++) {
      assert.ok(i < 200, 'the job run again did not complete');
      await new Promise((r) => setTimeout(r, 25));
    }
    const after = await waitConsumed(suite.eddy.app, 'sensor_a', items.length);
    assert.deepEqual(after.counts, s.counts);
    await assertMatchesOracle(suite.eddy.app, view, expected);
  } finally {
    await queue.close();
    redis.disconnect();
  }
});

test('start positions: a new version re-reads from TRIM_HORIZON, a LATEST view sees only later records', async () => {
  const stream = 'sensors-b';
  await createStream(suite.kinesis, stream, 2);
  await createView(suite.eddy.app, kinesisViewSpec('sensor_b', stream));
  const first = sensorDataset({ entities: 40, perEntity: 30, seed: 2, prefix: 'old' });
  const put1 = await produce(suite.kinesis.client, stream, first.items);
  await waitConsumed(suite.eddy.app, 'sensor_b', first.items.length);

  // Version 2 (one more feature) and a LATEST view, both registered after the first records arrived.
  const v2spec = kinesisViewSpec('sensor_b', stream);
  v2spec.features = [
    ...v2spec.features,
    { name: 'temp_min_10m', agg: 'min', field: 'temperature', window: '10m' },
  ];
  const res = await suite.eddy.app.inject({
    method: 'PUT',
    url: '/v1/feature-views/sensor_b',
    payload: v2spec,
  });
  assert.equal(res.statusCode, 200, res.body);
  const v2 = compileView(res.json() as FeatureView);
  assert.equal(v2.version, 2);
  const latest = await createView(
    suite.eddy.app,
    kinesisViewSpec('sensor_b_latest', stream, {
      source: { type: 'kinesis', streamName: stream, startPosition: 'LATEST' },
    }),
  );
  // LATEST starts where the shard's reader first serves the view (its shard start, in the status): put the
  // later records once both shards have one.
  for (const deadline = Date.now() + 15_000; ; ) {
    const shards = (await status(suite.eddy.app, 'sensor_b_latest')).kinesis.shards;
    if (shards.length === 2 && shards.every((s: { latestStart: string | null }) => s.latestStart !== null))
      break;
    assert.ok(Date.now() < deadline, `no shard start recorded: ${JSON.stringify(shards)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const second = sensorDataset({ entities: 40, perEntity: 30, seed: 3, prefix: 'new' });
  const put2 = await produce(suite.kinesis.client, stream, second.items);

  const all = [...first.items, ...second.items];
  const allLanded = [...put1.landed, ...put2.landed];
  await waitConsumed(suite.eddy.app, 'sensor_b', all.length);
  await waitConsumed(suite.eddy.app, 'sensor_b_latest', second.items.length);
  await assertMatchesOracle(suite.eddy.app, v2, expectedFor(v2, all, allLanded));
  await assertMatchesOracle(suite.eddy.app, latest, expectedFor(latest, second.items, put2.landed));

  // Version 1 stopped where version 2 took over; one reader (one lease holder) per shard served both views.
  const v1 = (await suite.eddy.app.inject({ url: '/v1/feature-views/sensor_b/status?version=1' })).json();
  const c = v1.counts;
  assert.ok(c.accepted + c.rejected + c.late + c.duplicate <= all.length);
  const [b, l] = [await status(suite.eddy.app, 'sensor_b'), await status(suite.eddy.app, 'sensor_b_latest')];
  assert.deepEqual(
    b.kinesis.shards.map((s: { owner: string }) => s.owner),
    l.kinesis.shards.map((s: { owner: string }) => s.owner),
  );
});

test('a LATEST view alone on a new, empty stream reads every record put after it was registered', async () => {
  const stream = 'sensors-quiet';
  await createStream(suite.kinesis, stream, 2);
  const view = await createView(
    suite.eddy.app,
    kinesisViewSpec('sensor_quiet', stream, {
      source: { type: 'kinesis', streamName: stream, startPosition: 'LATEST' },
    }),
  );
  // Let the readers take their shards and ask for iterators while the stream is still empty.
  await new Promise((r) => setTimeout(r, 1500));
  const { items } = sensorDataset({ entities: 20, perEntity: 10, seed: 4, prefix: 'quiet' });
  const put = await produce(suite.kinesis.client, stream, items);
  // Well inside the SDK's 30 s request timeout: a reader stuck on its iterator request would miss this.
  await waitConsumed(suite.eddy.app, 'sensor_quiet', items.length, 10_000);
  await assertMatchesOracle(suite.eddy.app, view, expectedFor(view, items, put.landed));
});
