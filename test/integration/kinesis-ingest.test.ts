/**
 * Kinesis ingestion end to end, in process: kinesalite on a free loopback port, a private Redis, the real app and
 * real BullMQ workers. A 4-shard stream with 20,400 records over 200 sensors (out-of-order, late, duplicate-id
 * and bad records): once the status shows everything consumed, every online value equals the brute-force oracle
 * and the counts add up to the records put; bad records are in the dead-letter store with shard, sequence
 * number and reason.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import {
  assertMatchesOracle,
  createStream,
  createView,
  expectedFor,
  FAST_KINESIS_ENV,
  kinesisViewSpec,
  sensorDataset,
  startKinesalite,
  type TestKinesis,
  waitConsumed,
} from '../helpers/kinesis.js';

let kinesis: TestKinesis;
let eddy: TestEddy;
before(async () => {
  kinesis = await startKinesalite();
  eddy = await startEddy({
    ...FAST_KINESIS_ENV,
    KINESIS_ENDPOINT: kinesis.url,
    LOG_LEVEL: process.env.EDDY_LOG ?? 'silent',
  });
});
after(async () => {
  await eddy?.close();
  await kinesis?.close();
});

test('4 shards, 20,400 records over 200 entities: online values equal the oracle, counts add up', async () => {
  await createStream(kinesis, 'sensors-a', 4);
  const view = await createView(eddy.app, kinesisViewSpec('sensor_a', 'sensors-a'));
  const { items } = sensorDataset({ entities: 200, perEntity: 102, seed: 1 });
  const put = await produce(kinesis.client, 'sensors-a', items, { rate: 0 });
  assert.equal(Object.keys(put.perShard).length, 4);
  const expected = expectedFor(view, items, put.landed);
  assert.ok(expected.counts.late > 100 && expected.counts.duplicate > 100 && expected.counts.rejected > 300);

  const s = await waitConsumed(eddy.app, 'sensor_a', items.length);
  await assertMatchesOracle(eddy.app, view, expected);

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
  const dl = await eddy.app.inject({ url: '/v1/feature-views/sensor_a/dead-letters?limit=1000' });
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
    assert.equal(l.id, `k:sensors-a:${l.source.shardId}:${l.source.sequenceNumber}`);
    assert.ok(put.landed.some((p) => p.seq === l.source.sequenceNumber && p.shardId === l.source.shardId));
    assert.ok(l.reason.length > 0);
  }
});
