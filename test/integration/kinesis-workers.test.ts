/**
 * Two real worker processes share a 4-shard stream: each holds leases on some shards (balanced: two each),
 * together they give exactly the oracle's values; when one is killed (SIGKILL, no goodbye), the other takes its
 * shards over within 30 s (here the lease TTL is 2 s) and the result is still exact.
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
  spawnWorker,
  startKinesalite,
  status,
  type TestKinesis,
  type WorkerChild,
  waitConsumed,
} from '../helpers/kinesis.js';

let kinesis: TestKinesis;
let eddy: TestEddy;
const children: WorkerChild[] = [];
before(async () => {
  kinesis = await startKinesalite();
  eddy = await startEddy({ LOG_LEVEL: 'silent' }, { api: true, worker: false });
});
after(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await eddy?.close();
  await kinesis?.close();
});

const ownersOf = async (view: string): Promise<(string | null)[]> =>
  (await status(eddy.app, view)).kinesis.shards.map((s: { owner: string | null }) => s.owner);
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
  await createStream(kinesis, 'shared', 4);
  const view = await createView(eddy.app, kinesisViewSpec('shared_view', 'shared'));
  const env = {
    ...FAST_KINESIS_ENV,
    REDIS_URL: eddy.redisUrl,
    EDDY_KEY_PREFIX: eddy.prefix,
    KINESIS_ENDPOINT: kinesis.url,
  };
  const a = spawnWorker(env);
  const b = spawnWorker(env);
  children.push(a, b);
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
  const producing = produce(kinesis.client, 'shared', items, { rate: 2500 });
  // Both make progress on their own shards, then one dies mid-stream.
  await until(
    'records on every shard',
    async () => {
      const shards = (await status(eddy.app, 'shared_view')).kinesis.shards;
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
  await waitConsumed(eddy.app, 'shared_view', items.length, 60_000);
  await assertMatchesOracle(eddy.app, view, expected);

  // A graceful stop hands the leases back at once.
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0, b.output().slice(-2000));
  assert.deepEqual(await ownersOf('shared_view'), [null, null, null, null]);
});
