/**
 * Transforms on the Kinesis path (docs/semantics.md#transforms): one stream carries mixed, batched records (a
 * Kinesis record holds up to 12 readings of temperature or vibration); two views with different filters share the
 * stream's shard readers and each applies its own transform. Every online value equals the oracle fed with events
 * flattened by hand in this test, in shard order; filtered events and TRANSFORM_FAILED records add up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { KINESIS_BATCH_QUEUE, type KinesisBatchData } from '../../src/adapters/queue/registry.js';
import type { EngineEvent } from '../../src/core/event.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, status } from '../helpers/kinesis-views.js';
import { assertOnlineEqualsOracles, oraclesFor } from '../helpers/online-oracle.js';

const suite = inProcessSuite();
const T0 = Date.parse('2026-02-01T00:00:00Z');
const STREAM = 'plant-floor';

const view = (name: string, kind: string, value: string) => ({
  name,
  entityKey: 'sensor',
  eventTime: { field: 'ts' },
  source: { type: 'kinesis', streamName: STREAM, startPosition: 'TRIM_HORIZON' },
  granularity: '10s',
  allowedLateness: '1m',
  eventIdField: 'batch_id',
  features: [
    { name: 'v_avg_1m', agg: 'avg', field: 'v', window: '1m' },
    { name: 'v_max_5m', agg: 'max', field: 'v', window: '5m' },
    { name: 'n_1m', agg: 'count', window: '1m' },
    { name: 'v_std_10', agg: 'stddev', field: 'v', events: 10 },
  ],
  transform: {
    each: 'payload.readings',
    filter: `payload.kind == '${kind}'`,
    fields: { sensor: "device + '/' + item.ch", v: value, ts: 'item.ts' },
  },
});

interface Expected {
  byEntity: Map<string, EngineEvent[]>;
  filtered: number;
}

test('one stream, two transformed views: values equal the oracle, filtered and failed records add up', async () => {
  await createStream(suite.kinesis, STREAM, 2);
  const temps = await createView(suite.eddy.app, view('temps', 'temperature', '(item.f - 32) * 5 / 9'));
  const vibes = await createView(suite.eddy.app, view('vibes', 'vibration', 'item.rms * 1000'));

  const random = seededRandom(7);
  const expected = { temps: newExpected(), vibes: newExpected() };
  const clocks = new Map<string, number>();
  const records: { data: Uint8Array; partitionKey: string }[] = [];
  let failed = 0;
  for (let i = 0; i < 600; i++) {
    const device = `m${Math.floor(random() * 8)}`;
    const kind = random() < 0.6 ? 'temperature' : 'vibration';
    const broken = random() < 0.03; // a reading without its value: the whole record fails for its own view
    const readings = Array.from({ length: Math.floor(random() * 13) }, (_, k) => {
      const ch = `c${Math.floor(random() * 3)}`;
      const key = `${device}/${ch}`;
      const back = random() < 0.15 ? -Math.floor(random() * 90_000) : Math.floor(random() * 8_000);
      const t = (clocks.get(key) ?? T0) + back;
      clocks.set(key, Math.max(t, clocks.get(key) ?? T0));
      const value = Math.round(random() * 2_000) / 10;
      const reading: Record<string, unknown> = { ch, ts: t };
      if (!(broken && k === 0)) reading[kind === 'temperature' ? 'f' : 'rms'] = value;
      return reading;
    });
    const record = { device, batch_id: `b${i}`, payload: { kind, readings } };
    records.push({ data: Buffer.from(JSON.stringify(record)), partitionKey: device });
    for (const [name, own, derive] of [
      ['temps', 'temperature', (r: Record<string, number>) => ((r.f! - 32) * 5) / 9],
      ['vibes', 'vibration', (r: Record<string, number>) => r.rms! * 1000],
    ] as const) {
      const e = expected[name];
      if (kind !== own) {
        e.filtered += readings.length;
        continue;
      }
      if (broken && readings.length > 0) {
        failed++;
        continue;
      }
      readings.forEach((r, k) => {
        const key = `${device}/${r.ch}`;
        const list = e.byEntity.get(key) ?? [];
        list.push({
          t: r.ts as number,
          id: `b${i}#${k}`,
          values: { v: derive(r as Record<string, number>) },
        });
        e.byEntity.set(key, list);
      });
    }
  }
  await produce(suite.kinesis.client, STREAM, records, { rate: 0 });

  for (const [name, compiled] of [
    ['temps', temps],
    ['vibes', vibes],
  ] as const) {
    const e = expected[name];
    const { oracles, counts: totals } = oraclesFor(compiled, e.byEntity);
    const counts = await waitCounts(name, totals.accepted + totals.late + totals.duplicate + e.filtered);
    assert.equal(counts.filtered, e.filtered, name);
    assert.deepEqual(
      { accepted: counts.accepted, late: counts.late, duplicate: counts.duplicate },
      totals,
      name,
    );
    await assertOnlineEqualsOracles(suite.eddy.app, compiled, oracles);
  }
  const letters = (await Promise.all(['temps', 'vibes'].map((v) => status(suite.eddy.app, v)))).map(
    (s) => s.counts.rejected,
  );
  assert.equal(letters[0] + letters[1], failed);
  const dl = (await suite.eddy.app.inject({ url: '/v1/feature-views/temps/dead-letters?limit=100' })).json();
  for (const l of dl.items) {
    assert.equal(l.code, 'TRANSFORM_FAILED');
    assert.match(l.reason, /field 'v'/);
  }

  // The two views share the shard readers: once both are known to the reader, a batch job names both versions
  // (a reader may start before it has seen the second view, which then catches up from its own start).
  const redis = new Redis(suite.eddy.redisUrl);
  const queue = new Queue<KinesisBatchData>(KINESIS_BATCH_QUEUE, {
    connection: redis,
    prefix: bullPrefix(redis, suite.eddy.prefix, KINESIS_BATCH_QUEUE),
  });
  try {
    const jobs = await queue.getJobs(['completed']);
    const shared = jobs.filter((job) => [...job.data.views].sort().join() === 'temps@1,vibes@1');
    assert.ok(shared.length > 0, JSON.stringify(jobs.map((j) => j.data.views)));
  } finally {
    await queue.close();
    redis.disconnect();
  }
});

function newExpected(): Expected {
  return { byEntity: new Map(), filtered: 0 };
}

async function waitCounts(view: string, events: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const c = (await status(suite.eddy.app, view)).counts;
    if (c.accepted + c.late + c.duplicate + c.filtered >= events) return c;
    if (Date.now() > deadline) assert.fail(`${view}: ${JSON.stringify(c)} of ${events} events`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
