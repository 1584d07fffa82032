/**
 * Lease balance against stale heartbeats: a worker process that died still has its heartbeat entry until the
 * entry expires, but a live process takes every free shard at once instead of leaving a share for it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status } from '../helpers/kinesis-views.js';

// A long lease TTL, so the stale heartbeat below outlives the test's deadline by far.
const LEASE_TTL_MS = 30_000;
const suite = inProcessSuite({
  EDDY_KINESIS_LEASE_TTL_MS: String(LEASE_TTL_MS),
  EDDY_KINESIS_DISCOVERY_MS: '200',
});

test('a dead process whose heartbeat has not expired yet does not keep free shards unread', async () => {
  const redis = suite.eddy.redis;
  const [seconds] = await redis.time();
  // Last heard from 20 s ago: its entry expires in 10 s; it holds no lease (they expired or it never took any).
  await redis.zadd(
    keyLayout(suite.eddy.prefix).kinesisProcesses(),
    Number(seconds!) * 1000 + LEASE_TTL_MS - 20_000,
    'gone-host/1/dead',
  );
  await createStream(suite.kinesis, 'stale_beats', 4);
  await createView(suite.eddy.app, kinesisViewSpec('stale_beats_view', 'stale_beats'));

  const deadline = Date.now() + 5000;
  let owners: (string | null)[] = [];
  while (Date.now() < deadline) {
    owners = (await status(suite.eddy.app, 'stale_beats_view')).kinesis.shards.map(
      (s: { owner: string | null }) => s.owner,
    );
    if (owners.length === 4 && owners.every((o) => o !== null)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(owners.length, 4);
  assert.deepEqual(
    owners.filter((o) => o === null),
    [],
    `every shard has a reader within 5 s: ${JSON.stringify(owners)}`,
  );
  assert.equal(new Set(owners).size, 1, 'the one live process reads all four');
});
