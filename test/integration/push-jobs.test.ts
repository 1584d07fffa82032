/**
 * Push-lane jobs as the worker meets them in Redis (adapters/queue/push-job-codec.ts): a job queued by an earlier
 * version (one object per event) is still applied; a batch that cannot be applied goes to the dead-letter store
 * in the view's record shape with the event it had become, so that a replay applies it once the cause is gone
 * (for a transformed view too); a job whose columns are damaged
 * is kept whole as one dead letter and the lane goes on. Jobs are added with BullMQ itself, as the API adds them.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { encodePushEvents } from '../../src/adapters/queue/push-job-codec.js';
import { PUSH_JOB, type PushBatchData, pushLaneQueueName } from '../../src/adapters/queue/registry.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import type { DeadLetter } from '../../src/ports/dead-letters.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { onCluster, testRedisClient, uniquePrefix } from '../helpers/redis.js';

const VIEW = {
  name: 'jobs_sum',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  eventIdField: 'rid',
  source: { type: 'push' },
  granularity: '1m',
  features: [
    { name: 'total', agg: 'sum', field: 'x', window: '1h' },
    { name: 'y_last', agg: 'last', field: 'y' },
    { name: 'n', agg: 'count', window: '1h' },
  ],
};

const T0 = Date.now() - 10 * 60_000;
let eddy: TestEddy;
let redis: Redis;
let lane: Queue;

before(async () => {
  const env = { EDDY_KEY_PREFIX: uniquePrefix('jobs'), EDDY_PUSH_LANES: '1' };
  eddy = await startEddy(env);
  redis = await testRedisClient();
  lane = new Queue(pushLaneQueueName(0), {
    connection: redis,
    prefix: bullPrefix(redis, env.EDDY_KEY_PREFIX, pushLaneQueueName(0)),
  });
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: VIEW });
  assert.equal(res.statusCode, 201);
});

after(async () => {
  await lane.close();
  redis.disconnect();
  await eddy.close();
});

interface Counts {
  accepted: number;
  rejected: number;
  late: number;
  duplicate: number;
}
const seen = (c: Counts) => c.accepted + c.rejected + c.late + c.duplicate;

/** The view's counts once at least `total` records are counted. */
async function countsReach(total: number, view = 'jobs_sum'): Promise<Counts> {
  for (let i = 0; ; i++) {
    const { counts } = (await eddy.app.inject({ url: `/v1/feature-views/${view}/status` })).json();
    if (seen(counts) >= total) return counts;
    assert.ok(i < 400, `not all counted: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function deadLetters(view = 'jobs_sum'): Promise<DeadLetter[]> {
  const res = await eddy.app.inject({ url: `/v1/feature-views/${view}/dead-letters?limit=100` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

async function features(entities: string[], view = 'jobs_sum') {
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: view, entities, asOf: 'latest' },
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().results as { values: Record<string, number | null> }[]).map((r) => r.values);
}

test('a job queued by an earlier version (one object per event) is applied like a new one', async () => {
  const base = await countsReach(0);
  const legacy = {
    view: 'jobs_sum',
    version: 1,
    requestId: 'legacy-request',
    events: [
      { e: 'old', t: T0, i: 'o-1', v: { x: 1.5, y: -2 } },
      { e: 'old', t: T0 + 1000, v: { x: 2.25 } },
      { e: 'old', t: T0 + 2000, i: 'o-1', v: { x: 100 } }, // the same event id: a duplicate
    ],
  };
  await lane.add(PUSH_JOB, legacy);
  const counts = await countsReach(seen(base) + 3);
  assert.equal(counts.accepted - base.accepted, 2);
  assert.equal(counts.duplicate - base.duplicate, 1);
  assert.deepEqual(await features(['old']), [{ total: 3.75, y_last: -2, n: 2 }]);
});

test('an applied job keeps its result but not its records; run again, it applies nothing', async () => {
  const before = await countsReach(0);
  const known = new Set((await lane.getJobs(['completed'])).map((j) => j.id));
  const pushed = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/jobs_sum/records?wait=true',
    payload: {
      records: [
        { id: 'kept', ts: T0, rid: 'k-1', x: 5, y: 1 },
        { id: 'kept', ts: T0 + 1000, x: 2 },
      ],
    },
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  assert.deepEqual(pushed.json().applied, { accepted: 2, late: 0, duplicate: 0, failed: 0 });
  const job = (await lane.getJobs(['completed'])).find((j) => !known.has(j.id));
  assert.ok(job, 'the completed job');
  assert.deepEqual(job.returnvalue, { accepted: 2, late: 0, duplicate: 0, failed: 0 });
  const data = job.data as PushBatchData;
  assert.equal(data.columns, undefined);
  assert.deepEqual(data.events, []);
  assert.equal(data.view, 'jobs_sum');
  assert.ok((await redis.hstrlen(lane.toKey(job.id!), 'data')) < 200);

  // As BullMQ runs a job again that stalled after its records were dropped.
  await job.retry('completed');
  for (let i = 0; (await lane.getJobState(job.id!)) !== 'completed'; i++) {
    assert.ok(i < 200, 'the job run again did not complete');
    await new Promise((r) => setTimeout(r, 25));
  }
  const after = await countsReach(seen(before) + 2);
  assert.deepEqual(after, { ...before, accepted: before.accepted + 2 });
  assert.deepEqual(await features(['kept']), [{ total: 7, y_last: 1, n: 2 }]);
});

test('a batch that cannot be applied is dead-lettered in the record shape, and a replay applies it', async () => {
  const before = await countsReach(0);
  // A state that is not Eddy's encoding: loading the entity fails, so the batch cannot be applied.
  const stateKey = keyLayout(eddy.prefix, { cluster: onCluster }).entity('jobs_sum', 1, 'broken');
  await redis.hset(stateKey, 'v', '1', 'd', 'not msgpack at all');
  const records = [
    { id: 'broken', ts: T0, rid: 'b-1', x: 4, y: 7 },
    { id: 'broken', ts: T0 + 500, x: 0.1 },
    { id: 'fine', ts: T0 + 700, rid: 'f-1', x: -3 },
  ];
  const pushed = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/jobs_sum/records?wait=true',
    payload: { records },
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  assert.deepEqual(pushed.json().applied, { accepted: 0, late: 0, duplicate: 0, failed: 3 });

  const failed = (await deadLetters()).filter((l) => l.code === 'PROCESSING_FAILED');
  assert.equal(failed.length, 3);
  // Each letter holds the record as it was pushed (the event time as epoch ms), in order.
  assert.deepEqual(
    failed.map((l) => l.record),
    records,
  );
  assert.match(failed[0]!.reason, /^batch could not be applied: /);

  await redis.del(stateKey);
  const replay = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/jobs_sum/dead-letters/replay',
    payload: { ids: failed.map((l) => l.id) },
  });
  assert.equal(replay.statusCode, 200, replay.body);
  assert.deepEqual(replay.json(), { replayed: 3, missing: [], rejected: [] });
  const after = await countsReach(seen(before) + 6);
  assert.equal(after.accepted - before.accepted, 3);
  assert.equal(after.rejected - before.rejected, 3);
  assert.deepEqual(await features(['broken', 'fine']), [
    { total: 4.1, y_last: 7, n: 2 },
    { total: -3, y_last: null, n: 1 },
  ]);
});

test('a failed batch of a transformed view keeps its events, and a replay applies them as they were', async () => {
  // Readings nested in a device record, one event per reading; the level is a string only a distinct count reads.
  const view = {
    name: 'jobs_nested',
    entityKey: 'sensor',
    eventTime: { field: 'ts' },
    source: { type: 'push' },
    granularity: '1m',
    transform: {
      each: 'readings',
      fields: {
        sensor: "device + '/' + item.ch",
        ts: 'item.ts',
        temp_c: '(item.f - 32) * 5 / 9',
        level: 'item.level',
      },
    },
    features: [
      { name: 'temp_sum', agg: 'sum', field: 'temp_c', window: '1h' },
      { name: 'levels', agg: 'approx_count_distinct', field: 'level', window: '1h' },
      { name: 'n', agg: 'count', window: '1h' },
    ],
  };
  const registered = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: view });
  assert.equal(registered.statusCode, 201, registered.body);
  const stateKey = keyLayout(eddy.prefix, { cluster: onCluster }).entity('jobs_nested', 1, 'd1/a');
  await redis.hset(stateKey, 'v', '1', 'd', 'not msgpack at all');
  const record = {
    device: 'd1',
    readings: [
      { ch: 'a', ts: T0, f: 212, level: 'high' },
      { ch: 'a', ts: T0 + 1_000, f: 32, level: 'low' },
      { ch: 'b', ts: T0 + 2_000, f: 50, level: 'high' },
    ],
  };
  const pushed = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/jobs_nested/records?wait=true',
    payload: { records: [record] },
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  assert.deepEqual(pushed.json().applied, { accepted: 0, late: 0, duplicate: 0, failed: 3 });

  const failed = (await deadLetters('jobs_nested')).filter((l) => l.code === 'PROCESSING_FAILED');
  assert.deepEqual(
    failed.map((l) => [(l.event as { entity: string }).entity, (l.event as { t: number }).t]),
    [
      ['d1/a', T0],
      ['d1/a', T0 + 1_000],
      ['d1/b', T0 + 2_000],
    ],
  );
  // The readable record is the derived one: the temperature converted, the entity composed.
  assert.deepEqual((failed[0]!.record as Record<string, unknown>).temp_c, 100);

  await redis.del(stateKey);
  const replay = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/jobs_nested/dead-letters/replay',
    payload: { ids: failed.map((l) => l.id) },
  });
  assert.equal(replay.statusCode, 200, replay.body);
  assert.deepEqual(replay.json(), { replayed: 3, missing: [], rejected: [] });
  await countsReach(6, 'jobs_nested');
  // (212 °F − 32) · 5/9 = 100 °C and 32 °F = 0 °C for d1/a; 50 °F = 10 °C for d1/b; the strings still count.
  assert.deepEqual(await features(['d1/a', 'd1/b'], 'jobs_nested'), [
    { temp_sum: 100, levels: 2, n: 2 },
    { temp_sum: 10, levels: 1, n: 1 },
  ]);
});

test('a job whose columns are damaged is kept whole as one dead letter, and the lane goes on', async () => {
  const start = await countsReach(0);
  const columns = encodePushEvents(
    [
      { entity: 'torn', event: { t: T0, values: { x: 1 } } },
      { entity: 'torn', event: { t: T0 + 1, values: { x: 2 } } },
    ],
    ['x', 'y'],
  );
  const damaged: PushBatchData = {
    view: 'jobs_sum',
    version: 1,
    requestId: 'damaged-request',
    columns: { ...columns, times: columns.times.slice(0, 12) }, // 9 bytes: not two doubles
  };
  await lane.add(PUSH_JOB, damaged);
  const next = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/jobs_sum/records?wait=true',
    payload: { records: [{ id: 'after', ts: T0, x: 9 }] },
  });
  assert.equal(next.statusCode, 200, next.body);
  assert.deepEqual(next.json().applied, { accepted: 1, late: 0, duplicate: 0, failed: 0 });
  assert.deepEqual(await features(['torn', 'after']), [
    { total: 0, y_last: null, n: 0 },
    { total: 9, y_last: null, n: 1 },
  ]);

  const whole = (await deadLetters()).filter((l) => l.id.startsWith('push:damaged-request:'));
  assert.equal(whole.length, 1);
  assert.equal(whole[0]!.code, 'PROCESSING_FAILED');
  assert.match(whole[0]!.reason, /times hold 9 bytes, 2 doubles expected/);
  assert.deepEqual(whole[0]!.record, damaged);
  const end = await countsReach(seen(start) + 2);
  assert.equal(end.accepted - start.accepted, 1);
  assert.equal(end.rejected - start.rejected, 1);
});
