/**
 * Historical features from Kinesis (kinesalite, real SDK client): a stream split in the middle carries a dataset
 * with out-of-order, late, duplicate and bad records; a live view ingests it online. The historical job reads every
 * shard, parents before children, and its rows equal the point-in-time oracle at random times and the online
 * values as of a time after the last event.
 */
import assert from 'node:assert/strict';
import { isAscii, isUtf8 } from 'node:buffer';
import { test } from 'node:test';
import { ListShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { produce, waitActive } from '../../src/adapters/kinesis/producer.js';
import { compileView } from '../../src/core/compile-view.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { resultRows, startJob, waitForJob } from '../helpers/historical.js';
import { sensorDataset } from '../helpers/kinesis-dataset.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, waitConsumed } from '../helpers/kinesis-views.js';

import { agreesFeature } from '../helpers/oracle.js';
import { pointInTimeOracle } from '../helpers/point-in-time-oracle.js';

const suite = inProcessSuite();
const STREAM = 'history';
const VIEW = 'history_view';

test('rows from a resharded stream equal the oracle and the online path', async () => {
  const { kinesis, eddy } = suite;
  await createStream(kinesis, STREAM, 2);
  const view = await createView(eddy.app, kinesisViewSpec(VIEW, STREAM));
  const { entities, items } = sensorDataset({ entities: 20, perEntity: 40, seed: 5 });
  const half = Math.floor(items.length / 2);
  await produce(kinesis.client, STREAM, items.slice(0, half));
  const [s0] = (await kinesis.client.send(new ListShardsCommand({ StreamName: STREAM }))).Shards ?? [];
  const mid = (BigInt(s0!.HashKeyRange!.StartingHashKey!) + BigInt(s0!.HashKeyRange!.EndingHashKey!)) / 2n;
  await kinesis.client.send(
    new SplitShardCommand({
      StreamName: STREAM,
      ShardToSplit: s0!.ShardId,
      NewStartingHashKey: mid.toString(),
    }),
  );
  await waitActive(kinesis.client, STREAM);
  await produce(kinesis.client, STREAM, items.slice(half));
  await waitConsumed(eddy.app, VIEW, items.length);

  const times = items.filter((i) => i.event).map((i) => i.event!.t);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const end = last + 30_000;
  const rnd = seededRandom(11);
  const spine: { entity: string; timestamp: number; k: number }[] = entities.map((entity, k) => ({
    entity,
    timestamp: end,
    k,
  }));
  for (let k = spine.length; k < 300; k++) {
    const at =
      rnd() < 0.3 ? times[Math.floor(rnd() * times.length)]! : first + Math.floor(rnd() * (last - first));
    spine.push({ entity: entities[Math.floor(rnd() * entities.length)]!, timestamp: at, k });
  }
  const id = await startJob(eddy, VIEW, { spine, events: { type: 'kinesis' } });
  const job = await waitForJob(eddy, VIEW, id);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.eventsRead, items.length);
  assert.deepEqual(Object.keys(job.progress.sources).sort(), [
    'shardId-000000000000',
    'shardId-000000000001',
    'shardId-000000000002',
    'shardId-000000000003',
  ]);
  const rows = await resultRows(eddy, VIEW, id);
  assert.equal(rows.length, spine.length);

  // The oracle: each entity's good records in input order (one partition key: its shard order, parents first).
  const oracles = new Map(
    entities.map((e) => [
      e,
      pointInTimeOracle(
        view,
        items.filter((i) => i.entity === e && i.event).map((i) => i.event!),
        'inclusive',
      ),
    ]),
  );
  const online = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: VIEW, entities, asOf: end },
  });
  assert.equal(online.statusCode, 200, online.body);
  const onlineValues = online.json().results.map((r: { values: Record<string, number | null> }) => r.values);
  rows.forEach((row, i) => {
    const s = spine[i]!;
    assert.equal(row.k, s.k);
    const want = oracles.get(s.entity)!(s.timestamp);
    for (const f of view.features) {
      const got = (row[f.name] ?? null) as number | null;
      const window = want.restricted.windowEvents(f, s.timestamp, 'exact');
      assert.ok(
        agreesFeature(f, got, want.values[f.name] ?? null, window),
        `${s.entity}@${s.timestamp} ${f.name}: ${got} vs ${want.values[f.name]}`,
      );
      if (i < entities.length) {
        assert.ok(
          agreesFeature(f, got, onlineValues[i][f.name], window),
          `${s.entity} online ${f.name}: ${got} vs ${onlineValues[i][f.name]}`,
        );
      }
    }
  });
});

// A page whose payloads are all ASCII is decoded once and sliced (history-reader.ts); any other page record by
// record. Both must give every record its own payload: the same rows as the oracle either way.
test('rows are the same from an all-ASCII stream and from one with UTF-8 and invalid bytes', async () => {
  const { kinesis, eddy } = suite;
  const res = await eddy.app.inject({ method: 'GET', url: `/v1/feature-views/${VIEW}` });
  assert.equal(res.statusCode, 200, res.body);
  const view = compileView(res.json() as FeatureView);
  const ascii = sensorDataset({ entities: 4, perEntity: 60, seed: 21, prefix: 'plain' });
  const plainItems = ascii.items.filter((i) => isAscii(i.data));
  const wide = sensorDataset({ entities: 4, perEntity: 60, seed: 22, prefix: 'sensör' });
  assert.ok(plainItems.length > 200 && wide.items.some((i) => i.event === null && !isUtf8(i.data)));
  for (const [stream, { entities }, items] of [
    ['history-ascii', ascii, plainItems],
    ['history-wide', wide, wide.items],
  ] as const) {
    await createStream(kinesis, stream, 1);
    await produce(kinesis.client, stream, items);
    const last = Math.max(...items.filter((i) => i.event).map((i) => i.event!.t));
    const rnd = seededRandom(stream.length);
    const spine = Array.from({ length: 120 }, (_, k) => ({
      entity: entities[k % entities.length]!,
      timestamp: last - Math.floor(rnd() * 600_000),
      k,
    }));
    const id = await startJob(eddy, VIEW, { spine, events: { type: 'kinesis', streamName: stream } });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.progress.eventsRead, items.length);
    const rows = await resultRows(eddy, VIEW, id);
    assert.equal(rows.length, spine.length);
    rows.forEach((row, i) => {
      const s = spine[i]!;
      assert.equal(row.entity, s.entity);
      const events = items.filter((x) => x.entity === s.entity && x.event).map((x) => x.event!);
      const want = pointInTimeOracle(view, events, 'inclusive')(s.timestamp);
      for (const f of view.features) {
        const got = (row[f.name] ?? null) as number | null;
        const window = want.restricted.windowEvents(f, s.timestamp, 'exact');
        assert.ok(
          agreesFeature(f, got, want.values[f.name] ?? null, window),
          `${stream} ${s.entity}@${s.timestamp} ${f.name}: ${got} vs ${want.values[f.name]}`,
        );
      }
    });
  }
});
