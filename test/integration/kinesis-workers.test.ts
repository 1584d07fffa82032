/**
 * Two real worker processes share a 4-shard stream: each holds leases on some shards (balanced: two each),
 * together they give exactly the oracle's values; when one is killed (SIGKILL, no goodbye), the other takes its
 * shards over within 30 s (here the lease TTL is 2 s) and the result is still exact.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { assertMatchesOracle, expectedFor, sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream, FAST_KINESIS_ENV } from '../helpers/kinesis-emulator.js';
import { workerProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';

const suite = workerProcessSuite();

const ownersOf = async (view: string): Promise<(string | null)[]> =>
  (await status(suite.eddy.app, view)).kinesis.shards.map((s: { owner: string | null }) => s.owner);
const pidOf = (owner: string | null) => (owner ? Number(owner.split('/')[1]) : null);

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('two worker processes share the shards; killing one hands its shards to the other', async (t) => {
  await createStream(suite.kinesis, 'shared', 4);
  const view = await createView(suite.eddy.app, kinesisViewSpec('shared_view', 'shared'));
  const env = {
    ...FAST_KINESIS_ENV,
    REDIS_URL: suite.eddy.redisUrl,
    EDDY_KEY_PREFIX: suite.eddy.prefix,
    KINESIS_ENDPOINT: suite.kinesis.url,
  };
  const a = suite.spawn(env);
  const b = suite.spawn(env);
  const pids = [a.child.pid, b.child.pid];

  // Balanced: each process holds two of the four shards.
  await until(
    'both workers to hold two shards each',
    async () => {
      const owners = (await ownersOf('shared_view')).map(pidOf);
      const counts = pids.map((p) => owners.filter((o) => o === p).length);
      return counts.every((c) => c === 2) ? counts : null;
    },
    30_000,
  );

  const { items } = sensorDataset({ entities: 200, perEntity: 102, seed: 21 });
  const producing = produce(suite.kinesis.client, 'shared', items, { rate: 2500 });
  // Both make progress on their own shards, then one dies mid-stream.
  await until(
    'records on every shard',
    async () => {
      const shards = (await status(suite.eddy.app, 'shared_view')).kinesis.shards;
      return shards.every((s: { counts: { accepted: number } }) => s.counts.accepted > 50) ? true : null;
    },
    30_000,
  );
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  const tookOverMs = await until(
    'the survivor to own every shard',
    async () =>
      (await ownersOf('shared_view')).every((o) => pidOf(o) === b.child.pid) ? Date.now() - killedAt : null,
    30_000,
  );
  assert.ok(tookOverMs < 30_000, `took ${tookOverMs} ms`);
  t.diagnostic(`shards taken over ${tookOverMs} ms after SIGKILL (lease TTL 2000 ms)`);

  const put = await producing;
  const expected = expectedFor(view, items, put.landed);
  await waitConsumed(suite.eddy.app, 'shared_view', items.length, 60_000);
  await assertMatchesOracle(suite.eddy.app, view, expected);

  // A graceful stop hands the leases back at once.
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0, b.output().slice(-2000));
  assert.deepEqual(await ownersOf('shared_view'), [null, null, null, null]);
});
