/**
 * A lane that has fallen behind applies the jobs waiting behind its head together (workers/push-lane-worker.ts):
 * the records are applied and counted exactly once, the jobs applied with the head leave the lane, and a job
 * whose pusher waits (`?wait=true`) is applied on its own, so its counts are its own. The backlog is made real:
 * an API-only Eddy queues the pushes, then a worker-only Eddy on the same Redis starts on a full lane.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { pushLaneQueueName } from '../../src/adapters/queue/registry.js';
import { startEddy } from '../helpers/eddy.js';
import { uniquePrefix } from '../helpers/redis.js';

const VIEW = {
  name: 'lane_sum',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  eventIdField: 'rid',
  source: { type: 'push' },
  granularity: '1m',
  features: [
    { name: 'total', agg: 'sum', field: 'x', window: '1h' },
    { name: 'n', agg: 'count', window: '1h' },
  ],
};

test('jobs waiting behind a lane head are applied with it once; a waited-for job keeps its own counts', async () => {
  const env = { EDDY_KEY_PREFIX: uniquePrefix('coal'), EDDY_PUSH_LANES: '1' };
  const api = await startEddy(env, { api: true, worker: false });
  const t0 = Date.now() - 30 * 60_000;
  const push = (records: object[], wait = false) =>
    api.app.inject({
      method: 'POST',
      url: `/v1/feature-views/lane_sum/records${wait ? '?wait=true' : ''}`,
      payload: { records },
    });
  const rec = (id: string, i: number, x: number) => ({ id, ts: t0 + i * 1000, rid: `${id}-${i}`, x });
  try {
    assert.equal(
      (await api.app.inject({ method: 'POST', url: '/v1/feature-views', payload: VIEW })).statusCode,
      201,
    );
    // Jobs 1-3 (no wait), then job 4 (waited for; one record repeats an id of job 1), then job 5 (no wait).
    for (let j = 0; j < 3; j++) {
      const res = await push([rec('a', j, 1), rec('b', j, 10), rec(`c${j}`, j, 100)]);
      assert.equal(res.statusCode, 202);
    }
    const waited = push([rec('a', 3, 1), rec('a', 0, 1), rec('b', 3, 10)], true);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await push([rec('a', 4, 1)])).statusCode, 202);

    const redis = new Redis(api.redisUrl);
    const lane = new Queue(pushLaneQueueName(0), {
      connection: redis,
      prefix: bullPrefix(redis, env.EDDY_KEY_PREFIX, pushLaneQueueName(0)),
    });
    assert.equal(await lane.getWaitingCount(), 5);

    const worker = await startEddy(env, { api: false, worker: true });
    try {
      const res = await waited;
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json().applied, { accepted: 2, late: 0, duplicate: 1, failed: 0 });
      for (let i = 0; ; i++) {
        const status = (await api.app.inject({ url: '/v1/feature-views/lane_sum/status' })).json();
        if (status.counts.accepted + status.counts.duplicate === 13) {
          assert.deepEqual(status.counts, { accepted: 12, rejected: 0, late: 0, duplicate: 1, filtered: 0 });
          break;
        }
        assert.ok(i < 200, `not all counted: ${JSON.stringify(status.counts)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const read = await api.app.inject({
        method: 'POST',
        url: '/v1/online-features',
        payload: { featureView: 'lane_sum', entities: ['a', 'b', 'c0', 'c2'], asOf: 'latest' },
      });
      assert.deepEqual(
        read.json().results.map((r: { values: object }) => r.values),
        [
          { total: 5, n: 5 },
          { total: 40, n: 4 },
          { total: 100, n: 1 },
          { total: 100, n: 1 },
        ],
      );
      // Jobs 2 and 3 were applied with job 1 and left the lane; 1, 4 and 5 completed on their own.
      assert.equal(await lane.getJob('2'), undefined);
      assert.equal(await lane.getJob('3'), undefined);
      for (const id of ['1', '4', '5']) assert.equal(await (await lane.getJob(id))?.isCompleted(), true);
      assert.deepEqual((await lane.getJob('1'))?.returnvalue, {
        accepted: 9,
        late: 0,
        duplicate: 0,
        failed: 0,
      });
    } finally {
      await lane.close();
      redis.disconnect();
      await worker.close();
    }
  } finally {
    await api.close();
  }
});
