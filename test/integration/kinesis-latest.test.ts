/**
 * LATEST depends on no clock: a view registered by a host whose clock runs 13 s ahead (its `createdAt` in the
 * future for Kinesis and the workers) still counts every record put once its readers serve it, and none put
 * before it was registered. Records a reader reads but leaves out by a start position are counted per shard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisViewRegistry } from '../../src/adapters/redis/redis-view-registry.js';
import { defineEddyCommands } from '../../src/adapters/redis/scripts.js';
import { compileView } from '../../src/core/compile-view.js';
import type { FeatureViewSpec } from '../../src/core/feature-view.js';
import { viewCatalog } from '../../src/services/view-catalog.js';
import { assertMatchesOracle, expectedFor, sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, status, waitConsumed } from '../helpers/kinesis-views.js';

const suite = inProcessSuite();
const SKEW_MS = 13_000;

type ShardRow = { shardId: string; millisBehindLatest: number | null; skippedBeforeStart: number };

async function untilReading(view: string, shards: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const rows: ShardRow[] = (await status(suite.eddy.app, view)).kinesis.shards;
    if (rows.length === shards && rows.every((r) => r.millisBehindLatest !== null)) return;
    assert.ok(Date.now() < deadline, `readers never served ${view}: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('LATEST registered with a clock 13 s ahead loses no record put after registration', async () => {
  const stream = 'skewed';
  await createStream(suite.kinesis, stream, 2);
  const before = sensorDataset({ entities: 10, perEntity: 10, seed: 21, prefix: 'before' }).items;
  await produce(suite.kinesis.client, stream, before);

  // The registering host's clock is ahead: its createdAt lies 13 s in the future.
  const redis = defineEddyCommands(new Redis(suite.eddy.redisUrl));
  const skewed = viewCatalog(redisViewRegistry(redis, keyLayout(suite.eddy.prefix)), {
    latestTtlMs: 0,
    clock: () => Date.now() + SKEW_MS,
  });
  const spec = kinesisViewSpec('skewed_latest', stream, {
    source: { type: 'kinesis', streamName: stream, startPosition: 'LATEST' },
  }) as unknown as FeatureViewSpec;
  const registered = await skewed.create(spec);
  assert.ok(Date.parse(registered.createdAt) > Date.now() + SKEW_MS / 2);
  await untilReading('skewed_latest', 2);

  const { items } = sensorDataset({ entities: 20, perEntity: 25, seed: 22, prefix: 'after' });
  const put = await produce(suite.kinesis.client, stream, items);
  await waitConsumed(suite.eddy.app, 'skewed_latest', items.length, 20_000);
  // Exactly the records put after registration: none of those before, none lost.
  await assertMatchesOracle(
    suite.eddy.app,
    compileView(registered),
    expectedFor(compileView(registered), items, put.landed),
  );
  redis.disconnect();
});

test('records read for another view but before a start position are counted per shard as skipped', async () => {
  const stream = 'shared_start';
  // Both views exist before the stream: one reader serves both from the trim horizon (the first needs it), so
  // it reads the early records for the second too.
  const cut = Date.now() + 3000;
  await createView(suite.eddy.app, kinesisViewSpec('from_trim', stream));
  const fromCut = await createView(
    suite.eddy.app,
    kinesisViewSpec('from_cut', stream, {
      source: {
        type: 'kinesis',
        streamName: stream,
        startPosition: { atTimestamp: new Date(cut).toISOString() },
      },
    }),
  );
  await createStream(suite.kinesis, stream, 1);
  const early = sensorDataset({ entities: 5, perEntity: 10, seed: 31, prefix: 'early' }).items;
  await produce(suite.kinesis.client, stream, early);
  assert.ok(Date.now() < cut - 500, 'the early records arrived well before the cut');
  await new Promise((r) => setTimeout(r, cut + 500 - Date.now()));
  const late = sensorDataset({ entities: 5, perEntity: 10, seed: 32, prefix: 'late' }).items;
  await produce(suite.kinesis.client, stream, late);

  await waitConsumed(suite.eddy.app, 'from_trim', early.length + late.length);
  await waitConsumed(suite.eddy.app, 'from_cut', late.length);
  const s = await status(suite.eddy.app, fromCut.name);
  const counted = s.counts.accepted + s.counts.rejected + s.counts.late + s.counts.duplicate;
  assert.equal(counted, late.length);
  assert.equal(s.kinesis.shards[0].skippedBeforeStart, early.length);
});
