/**
 * GetShardIterator failures: the reader backs off (Kinesis allows 5 calls/s per shard) and logs the failing
 * state once, then reads on once the call succeeds again. Failures come from a wrapper around the real shard API
 * (every call that is not failed goes to kinesalite).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { type ShardApi, shardApi } from '../../src/adapters/kinesis/shard-api.js';
import { kinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisShardLeases } from '../../src/adapters/redis/redis-shard-leases.js';
import { redisShardStore } from '../../src/adapters/redis/redis-shard-store.js';
import { redisViewCounters } from '../../src/adapters/redis/redis-view-counters.js';
import { defineEddyCommands } from '../../src/adapters/redis/scripts.js';
import { viewRef } from '../../src/services/apply-kinesis-batch.js';
import { ShardReader } from '../../workers/kinesis/shard-reader.js';
import { sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, waitConsumed } from '../helpers/kinesis-views.js';

// The in-process worker applies the batches; the reader under test holds the shard's lease, so it reads alone.
const suite = inProcessSuite({ EDDY_KINESIS_DISCOVERY_MS: '300000', EDDY_KINESIS_LEASE_TTL_MS: '60000' });

test('a failing GetShardIterator is retried with backoff and logged once', async () => {
  const stream = 'iterator_fails';
  await createStream(suite.kinesis, stream, 1);
  const real = shardApi(suite.kinesis.client);
  const [shard] = await real.listShards(stream);
  const shardId = shard!.shardId;
  const redis = defineEddyCommands(new Redis(suite.eddy.redisUrl));
  const keys = keyLayout(suite.eddy.prefix);
  const lease = await redisShardLeases(redis, keys).acquire(stream, shardId, 'test-holder', 60_000);
  const view = await createView(suite.eddy.app, kinesisViewSpec('iterator_fails_view', stream));
  const { items } = sensorDataset({ entities: 5, perEntity: 20, seed: 3 });
  await produce(suite.kinesis.client, stream, items);

  const FAIL_MS = 3000;
  const failUntil = performance.now() + FAIL_MS;
  let failedCalls = 0;
  const api: ShardApi = {
    ...real,
    async iterator(...args) {
      if (performance.now() < failUntil) {
        failedCalls++;
        throw Object.assign(new Error('injected'), { name: 'InternalFailure', $fault: 'server' });
      }
      return real.iterator(...args);
    },
  };
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const batches = kinesisBatches(redis, suite.eddy.prefix);
  const reader = new ShardReader(
    {
      api,
      batches,
      store: redisShardStore(redis, keys),
      counters: redisViewCounters(redis, keys),
      recordLimit: 1000,
      idleMs: 200,
      log,
    },
    stream,
    shardId,
    [{ ref: viewRef(view.name, view.version), name: view.name, version: view.version, startMs: null }],
    lease ?? 1,
  );
  const ended = reader.start();
  await waitConsumed(suite.eddy.app, view.name, items.length, 30_000);
  await reader.stop();
  await ended;
  await batches.close();
  redis.disconnect();

  // At most 5 calls per second (plus the first), and far fewer with the growing backoff.
  assert.ok(failedCalls >= 2, `retried: ${failedCalls}`);
  assert.ok(
    failedCalls <= (FAIL_MS / 1000) * 5 + 1,
    `${failedCalls} GetShardIterator calls in ${FAIL_MS} ms`,
  );
  const warnings = lines.filter((l) => l.level >= 40);
  assert.equal(warnings.length, 1, JSON.stringify(warnings.map((w) => w.msg)));
  assert.ok(lines.some((l) => l.msg === 'shard iterator obtained again'));
});
