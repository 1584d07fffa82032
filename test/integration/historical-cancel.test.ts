/**
 * Cancelling a RUNNING training-set job (real Redis, a real BullMQ worker running one job at a time): a job with
 * far more work than the test waits for (many entity partitions, each reading the whole events upload) is
 * cancelled while it reads events. Its run ends (its BullMQ job completes) long before the work could be done,
 * its progress stops, it stays `cancelled`, its result is the documented problem and no rows are left behind;
 * the worker then runs the next job normally.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Queue } from 'bullmq';
import { HISTORICAL_QUEUE, historicalQueueJobId } from '../../src/adapters/queue/registry.js';
import { historicalKeys } from '../../src/adapters/redis/historical-keys.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { resultRows, startJob, upload, waitForJob } from '../helpers/historical.js';

const VIEW = 'hist_cancel';
let eddy: TestEddy;

before(async () => {
  // 250 events per pass: the 60,000-record upload starts the job with 240 entity partitions, each reading all of
  // it; the spine's entities hold few events each, so no pass runs out of room and restarts.
  eddy = await startEddy({
    LOG_LEVEL: process.env.TEST_LOG ?? 'silent',
    EDDY_HISTORICAL_MAX_EVENTS: '250',
    EDDY_HISTORICAL_CONCURRENCY: '1',
  });
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: {
      name: VIEW,
      entityKey: 'e',
      eventTime: { field: 't' },
      source: { type: 'push' },
      granularity: '1s',
      features: [
        { name: 'n_1m', agg: 'count', window: '1m' },
        { name: 'sum_1m', agg: 'sum', field: 'v', window: '1m' },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
});
after(() => eddy.close());

const T0 = 1_700_000_000_000;
const jobUrl = (id: string) => `/v1/feature-views/${VIEW}/historical-features/${id}`;
const getJob = async (id: string) => (await eddy.app.inject({ url: jobUrl(id) })).json();

async function bullState(id: string): Promise<string> {
  const queue = eddy.runtime.deps.queues().find((q: Queue) => q.name === HISTORICAL_QUEUE)!;
  const job = await queue.getJob(historicalQueueJobId(id));
  return job === undefined ? 'missing' : await job.getState();
}

test('a running job that is cancelled stops, has no result, and the worker runs the next job', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 60_000; i++)
    lines.push(JSON.stringify({ e: `e${i % 4000}`, t: T0 + i * 10, v: i % 7 }));
  const events = await upload(eddy, 'application/x-ndjson', lines.join('\n'));
  const spine = Array.from({ length: 400 }, (_, i) => ({ entity: `e${i}`, timestamp: T0 + 600_000 }));
  const id = await startJob(eddy, VIEW, { spine, events: { type: 'upload', upload: events } });

  // Wait until it reads events.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await getJob(id);
    assert.notEqual(job.status, 'succeeded', 'the job ended before it could be cancelled');
    if (job.status === 'running' && job.progress.eventsRead > 0) break;
    if (Date.now() > deadline) assert.fail(`job still ${job.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const del = await eddy.app.inject({ method: 'DELETE', url: jobUrl(id) });
  assert.equal(del.statusCode, 200, del.body);
  const cancelled = del.json();
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.progress.partitions, 240);
  assert.ok(cancelled.progress.partition < 20, `cancelled in partition ${cancelled.progress.partition}`);

  // The worker's run returns: its BullMQ job completes with 220+ passes over the upload still to do (the whole
  // job takes about 15 s here, so a run that went on reading would not complete in time).
  const stopBy = Date.now() + 8_000;
  while ((await bullState(id)) !== 'completed') {
    if (Date.now() > stopBy) assert.fail(`the cancelled run did not stop: ${await bullState(id)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // Its progress no longer moves, and it stays cancelled.
  const settled = await getJob(id);
  await new Promise((r) => setTimeout(r, 700));
  const later = await getJob(id);
  assert.equal(later.status, 'cancelled');
  assert.deepEqual(later.progress, settled.progress);
  assert.ok(later.finishedAt !== null);

  // No result, never a partial one: the documented problem, and no rows kept.
  const result = await eddy.app.inject({ url: `${jobUrl(id)}/result` });
  assert.equal(result.statusCode, 409);
  assert.match(String(result.headers['content-type']), /application\/problem\+json/);
  assert.equal(result.json().code, 'RESULT_NOT_READY');
  assert.equal(result.json().jobStatus, 'cancelled');
  const keys = historicalKeys(eddy.prefix);
  assert.equal(await eddy.redis.exists(keys.jobPartial(id), keys.jobResult(id)), 0);

  // The same worker (one job at a time) runs the next job to its end.
  const small = await upload(
    eddy,
    'application/x-ndjson',
    [`{"e":"a","t":${T0},"v":2}`, `{"e":"a","t":${T0 + 1000},"v":3}`, `{"e":"b","t":${T0},"v":5}`].join('\n'),
  );
  const next = await startJob(eddy, VIEW, {
    spine: [
      { entity: 'a', timestamp: T0 + 1000 },
      { entity: 'b', timestamp: T0 + 1000 },
    ],
    events: { type: 'upload', upload: small },
  });
  const done = await waitForJob(eddy, VIEW, next);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  const rows = await resultRows(eddy, VIEW, next);
  assert.deepEqual(
    rows.map((r) => [r.entity, r.n_1m, r.sum_1m]),
    [
      ['a', 2, 5],
      ['b', 1, 5],
    ],
  );
  assert.equal((await getJob(id)).status, 'cancelled');
});
