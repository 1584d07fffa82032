/**
 * Push lanes against what happens to their queues in Redis: jobs whose workers die while holding them (stalled
 * again and again), a lane queue obliterated (its job numbers restart at 1), and the queue dashboard's
 * destructive actions. Records accepted with 202 must end applied exactly once.
 */

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { pushLaneQueueName } from '../../src/adapters/queue/registry.js';
import { PUSH_LANE_WORKER_OPTIONS } from '../../workers/push-lane-worker.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { testRedisClient, uniquePrefix } from '../helpers/redis.js';

const T0 = Date.now() - 10 * 60_000;
const viewSpec = (name: string) => ({
  name,
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '1m',
  features: [
    { name: 'total', agg: 'sum', field: 'x', window: '1h' },
    { name: 'n', agg: 'count', window: '1h' },
  ],
});

const opened: { close(): Promise<void> }[] = [];
let redis: Redis;

before(async () => {
  // The file's private Redis (started by the first startEddy); this connection is the test's own.
  const probe = await startEddy({}, { api: true, worker: false });
  redis = await testRedisClient({ maxRetriesPerRequest: null });
  await probe.close();
});

after(async () => {
  for (const c of opened.reverse()) await c.close();
  await redis.quit();
});

async function eddy(
  env: Record<string, string>,
  roles: { api: boolean; worker: boolean },
): Promise<TestEddy> {
  const started = await startEddy({ EDDY_PUSH_LANES: '1', ...env }, roles);
  opened.push(started);
  return started;
}

async function push(app: TestEddy['app'], view: string, records: object[]) {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/feature-views/${view}/records`,
    payload: { records },
  });
  assert.equal(res.statusCode, 202, res.body);
}

async function countsReach(app: TestEddy['app'], view: string, total: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { counts } = (await app.inject({ url: `/v1/feature-views/${view}/status` })).json();
    const seen = counts.accepted + counts.rejected + counts.late + counts.duplicate;
    if (seen >= total || Date.now() > deadline) return counts;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function features(app: TestEddy['app'], view: string, entities: string[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: view, entities, asOf: 'latest' },
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().results as { values: Record<string, number | null> }[]).map((r) => r.values);
}

test('a push-lane job whose workers die 3 times while holding it is applied exactly once', async () => {
  const prefix = uniquePrefix('stall');
  const api = await eddy({ EDDY_KEY_PREFIX: prefix }, { api: true, worker: false });
  assert.equal(
    (await api.app.inject({ method: 'POST', url: '/v1/feature-views', payload: viewSpec('stall_v') }))
      .statusCode,
    201,
  );
  const records = [1, 2, 3, 4].map((x, i) => ({ id: 's', ts: T0 + i * 1000, x }));
  await push(api.app, 'stall_v', records);

  // A process with the lane workers' settings (short lock and stall check, to be quick) that takes the job and
  // dies holding it: it never renews the lock nor finishes the job. Its stall checker returns the job to the
  // lane (or fails it, when BullMQ's stall limit is reached).
  const lane = new Queue(pushLaneQueueName(0), {
    connection: redis,
    prefix: bullPrefix(redis, prefix, pushLaneQueueName(0)),
  });
  opened.push(lane);
  const dyingConnection = redis.duplicate();
  opened.push({ close: async () => dyingConnection.disconnect() });
  const dying = new Worker(pushLaneQueueName(0), null, {
    connection: dyingConnection,
    prefix: bullPrefix(redis, prefix, pushLaneQueueName(0)),
    ...PUSH_LANE_WORKER_OPTIONS,
    autorun: false,
    lockDuration: 400,
    stalledInterval: 200,
  });
  opened.push({ close: () => dying.close(true) });
  void dying.startStalledCheckTimer();
  let stalls = 0;
  for (let round = 0; round < 3; round++) {
    let job: Awaited<ReturnType<typeof dying.getNextJob>> | undefined;
    const deadline = Date.now() + 5000;
    while (!job && Date.now() < deadline) job = await dying.getNextJob(randomUUID(), { block: false });
    if (!job) break;
    // Died holding it: wait until the stall check has dealt with it.
    while ((await lane.getJobState(job.id!)) === 'active' && Date.now() < deadline + 5000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    stalls++;
  }
  await dying.close(true);

  // A healthy worker process comes up.
  await eddy({ EDDY_KEY_PREFIX: prefix }, { api: false, worker: true });
  const counts = await countsReach(api.app, 'stall_v', records.length);
  assert.equal(counts.accepted, records.length, JSON.stringify(counts));
  assert.deepEqual(await features(api.app, 'stall_v', ['s']), [{ total: 10, n: 4 }]);
  const dead = (await api.app.inject({ url: '/v1/feature-views/stall_v/dead-letters' })).json();
  assert.equal(dead.total, 0);
  assert.equal(stalls, 3, 'the job was taken and abandoned 3 times');
});

test('after a lane queue is obliterated (job numbers restart), new pushes are applied', async () => {
  const prefix = uniquePrefix('oblit');
  const app = (await eddy({ EDDY_KEY_PREFIX: prefix }, { api: true, worker: true })).app;
  assert.equal(
    (await app.inject({ method: 'POST', url: '/v1/feature-views', payload: viewSpec('oblit_v') })).statusCode,
    201,
  );
  for (let i = 0; i < 3; i++) await push(app, 'oblit_v', [{ id: 'o', ts: T0 + i * 1000, x: 1 }]);
  assert.equal((await countsReach(app, 'oblit_v', 3)).accepted, 3);

  // As an operator (or a script) would: the lane's whole queue goes, its job counter with it.
  const lane = new Queue(pushLaneQueueName(0), {
    connection: redis,
    prefix: bullPrefix(redis, prefix, pushLaneQueueName(0)),
  });
  opened.push(lane);
  await lane.obliterate();

  await push(app, 'oblit_v', [{ id: 'o', ts: T0 + 5000, x: 10 }]);
  await push(app, 'oblit_v', [
    { id: 'o', ts: T0 + 6000, x: 100 },
    { id: 'p', ts: T0 + 6000, x: 7 },
  ]);
  const counts = await countsReach(app, 'oblit_v', 6);
  assert.equal(counts.accepted, 6, JSON.stringify(counts));
  assert.deepEqual(await features(app, 'oblit_v', ['o', 'p']), [
    { total: 113, n: 5 },
    { total: 7, n: 1 },
  ]);
  // The lane runs one job at a time again, across processes.
  assert.equal(await lane.getGlobalConcurrency(), 1);
});

test('after a lane queue is obliterated, the next push restores its one-job-at-a-time limit', async () => {
  const prefix = uniquePrefix('limit');
  // No worker runs: the pusher alone must restore the limit before the lane's first job can be taken.
  const app = (await eddy({ EDDY_KEY_PREFIX: prefix }, { api: true, worker: false })).app;
  assert.equal(
    (await app.inject({ method: 'POST', url: '/v1/feature-views', payload: viewSpec('limit_v') })).statusCode,
    201,
  );
  await push(app, 'limit_v', [{ id: 'l', ts: T0, x: 1 }]);
  const lane = new Queue(pushLaneQueueName(0), {
    connection: redis,
    prefix: bullPrefix(redis, prefix, pushLaneQueueName(0)),
  });
  opened.push(lane);
  assert.equal(await lane.getGlobalConcurrency(), 1);
  await lane.obliterate();
  assert.equal(await lane.getGlobalConcurrency(), null);
  await push(app, 'limit_v', [{ id: 'l', ts: T0 + 1000, x: 2 }]);
  assert.equal(await lane.getGlobalConcurrency(), 1);
});

test('the queue dashboard refuses to obliterate, empty, clean or pause a lane', async () => {
  const prefix = uniquePrefix('board');
  const app = (await eddy({ EDDY_KEY_PREFIX: prefix }, { api: true, worker: false })).app;
  const queue = pushLaneQueueName(0);
  for (const action of ['obliterate', 'empty', 'pause', 'clean/completed']) {
    const res = await app.inject({ method: 'PUT', url: `/admin/queues/api/queues/${queue}/${action}` });
    assert.equal(res.statusCode, 405, `${action}: ${res.body}`);
  }
  const listed = await app.inject({ url: '/admin/queues/api/queues' });
  assert.equal(listed.statusCode, 200, listed.body);
});
