/**
 * Crash recovery with real worker processes: `src/main.ts worker` children read a 4-shard stream
 * (20,400 records over 200 sensors, with out-of-order, late, duplicate-id and bad records) while the stream is
 * being produced; the worker is killed with SIGKILL at random points (each time after it made progress) at
 * least 5 times and restarted. The final online values are exactly the oracle's and the counts add up to the
 * records put. The test process runs only the API (status and reads) on the same Redis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { assertMatchesOracle, expectedFor, sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream, FAST_KINESIS_ENV } from '../helpers/kinesis-emulator.js';
import { workerProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';

const suite = workerProcessSuite();

const consumed = async (view: string) => {
  const c = (await status(suite.eddy.app, view)).counts;
  return c.accepted + c.rejected + c.late + c.duplicate;
};

test('SIGKILL a worker process at random points 5+ times: exactly the oracle, counts add up', async (t) => {
  await createStream(suite.kinesis, 'crash', 4);
  const view = await createView(suite.eddy.app, kinesisViewSpec('crash_view', 'crash'));
  const { items } = sensorDataset({ entities: 200, perEntity: 102, seed: 11 });
  const env = {
    ...FAST_KINESIS_ENV,
    EDDY_KINESIS_LEASE_TTL_MS: '1000',
    ...suite.eddy.redisEnv,
    EDDY_KEY_PREFIX: suite.eddy.prefix,
    KINESIS_ENDPOINT: suite.kinesis.url,
  };
  const spawn = () => suite.spawn(env);

  // Produce at ~1,000 records/s (about 20 s, room for 5 kill-and-restart cycles on a loaded machine) while the
  // worker is killed and restarted.
  const producing = produce(suite.kinesis.client, 'crash', items, { rate: 1000 });
  const random = seededRandom(7);
  let worker = spawn();
  let kills = 0;
  while (kills < 5) {
    // Wait for progress under this worker (at most 4 s: a kill while it starts up is a crash point too), then
    // kill it a random moment later.
    const before = await consumed('crash_view');
    assert.ok(before < items.length, `everything was consumed after only ${kills} kills`);
    const deadline = Date.now() + 4000;
    while ((await consumed('crash_view')) <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, Math.floor(random() * 500)));
    worker.child.kill('SIGKILL');
    await worker.exited;
    kills++;
    worker = spawn();
  }
  assert.ok(kills >= 5, `killed ${kills} times`);
  t.diagnostic(`worker killed with SIGKILL ${kills} times`);
  const put = await producing;
  assert.equal(put.retried, 0);
  const expected = expectedFor(view, items, put.landed);
  await waitConsumed(suite.eddy.app, 'crash_view', items.length, 90_000);
  await assertMatchesOracle(suite.eddy.app, view, expected);

  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0, worker.output().slice(-2000));
});
