/**
 * State size: Redis bytes per entity (MEMORY USAGE of every entity key, averaged) for the ingest view (10-second
 * tiles), after the same hour of readings at 1× (one per 2 s: 5 per tile) and at 10× (5 per second: 50 per
 * tile). Tiles, not events, should set the cost: target 10× ≤ 1.1× the 1× figure. Also measured, for the notes:
 * one reading per 10 s, i.e. one per tile, where a tile's spread and sum compensation are exact zeros that
 * MessagePack stores in one byte instead of nine.
 *
 * Sketches: a view with a 1-hour p95 of the temperature and a 1-hour distinct count of a comfort level (a string the
 * view's transform derives from the humidity: dry, ok or humid), at 1 event/s (10 per tile) and at 10 events/s.
 * A percentile sketch's bins and a distinct sketch's entries saturate with the values' spread and cardinality, not
 * the rate, so the same 1.1× target holds; a distinct count over a field with ever new values grows with them.
 */
import { Redis } from 'ioredis';
import { keyLayout } from '../../../src/adapters/redis/keys.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { bodies, ingestView, reading, sensorId } from '../data.js';
import { startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { call } from '../lib/http.js';
import { type Figure, judge } from '../lib/report.js';

/** The sketch view: a p95 and a distinct count over one hour (docs/decisions.md: bytes per tile of each sketch). */
const sketchView = (name: string) => ({
  name,
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '5m',
  transform: { fields: { comfort: 'humidity > 48.0 ? "humid" : (humidity < 42.0 ? "dry" : "ok")' } },
  features: [
    { name: 'temp_p95_1h', agg: 'approx_percentile', field: 'temperature', window: '1h', p: 0.95 },
    { name: 'comfort_levels_1h', agg: 'approx_count_distinct', field: 'comfort', window: '1h' },
  ],
});

const HOUR = 3_600_000;

const bytes = (n: number) => `${Math.round(n).toLocaleString('en-US')} B`;

/** Every entity's readings every `everyMs` over the hour before `endMs`, in time order (all entities per slot). */
function hourOf(entities: number, everyMs: number, endMs: number, seed: number) {
  const random = seededRandom(seed);
  const out = [];
  for (let t = endMs - HOUR + everyMs; t <= endMs; t += everyMs) {
    for (let i = 0; i < entities; i++) out.push(reading(sensorId(i), t, random));
  }
  return out;
}

/** Average over entities of the bytes of each entity's keys (its state hash and its version key). */
async function bytesPerEntity(redis: Redis, keysPerEntity: string[][]): Promise<number> {
  const pipe = redis.pipeline();
  for (const key of keysPerEntity.flat()) pipe.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
  const sizes = ((await pipe.exec()) ?? []).map(([err, v]) => {
    if (err || typeof v !== 'number') throw new Error(`MEMORY USAGE failed: ${String(err ?? v)}`);
    return v;
  });
  return sizes.reduce((a, b) => a + b, 0) / keysPerEntity.length;
}

/** Average over the entity state hashes of their fields' and values' bytes: the encoded state, before allocation. */
async function encodedBytesPerEntity(redis: Redis, stateKeys: string[]): Promise<number> {
  const pipe = redis.pipeline();
  for (const key of stateKeys) pipe.hgetallBuffer(key);
  let total = 0;
  for (const [err, hash] of (await pipe.exec()) ?? []) {
    if (err) throw err;
    for (const [field, value] of Object.entries(hash as Record<string, Buffer>))
      total += field.length + value.length;
  }
  return total / stateKeys.length;
}

export async function stateSizeScenario(ctx: BenchContext): Promise<Figure[]> {
  const entities = ctx.quick ? 10 : 50;
  const eddy = await startEddy(ctx.redisUrl, {
    env: eddyEnv(ctx),
  });
  const redis = new Redis(ctx.redisUrl);
  try {
    const keys = keyLayout(ctx.keyPrefix);
    const end = Date.now();
    const sizes: Record<string, number> = {};
    const encoded: Record<string, number> = {};
    for (const [label, everyMs, spec] of [
      ['sparse', 10_000, ingestView],
      ['1x', 2_000, ingestView],
      ['10x', 200, ingestView],
      ['sketch_1x', 1_000, sketchView],
      ['sketch_10x', 100, sketchView],
    ] as const) {
      const view = `bench_state_${label}`;
      await call('POST', `${eddy.url}/v1/feature-views`, spec(view));
      const records = hourOf(entities, everyMs, end, 9);
      ctx.log(
        `state: ${label}: ${records.length} records (${entities} entities, one per ${everyMs / 1000} s for 1 h)`,
      );
      for (const body of bodies(records)) {
        await call('POST', `${eddy.url}/v1/feature-views/${view}/records?wait=true`, body);
      }
      const entityKeys = Array.from({ length: entities }, (_, i) => [
        keys.entity(view, 1, sensorId(i)),
        keys.entityVersion(view, 1, sensorId(i)),
      ]);
      sizes[label] = await bytesPerEntity(redis, entityKeys);
      encoded[label] = await encodedBytesPerEntity(
        redis,
        entityKeys.map(([state]) => state!),
      );
    }
    return [
      judge({
        scenario: `state size, ${entities} entities, 1 h at 10× vs 1× the event rate`,
        figure: 'Redis bytes per entity',
        value: sizes['10x']!,
        unit: 'B',
        baseline: { label: '1× rate (1 event / 2 s)', value: sizes['1x']! },
        target: { op: '<=', limit: 1.1 },
        notes: `MEMORY USAGE (SAMPLES 0) of each entity's state hash and version key, averaged; at one event per tile (1 / 10 s): ${Math.round(sizes.sparse!).toLocaleString('en-US')} B`,
      }),
      judge({
        scenario: `state size with sketches (1 h p95 + distinct count), ${entities} entities, 10 events/s vs 1 event/s`,
        figure: 'Redis bytes per entity',
        value: sizes.sketch_10x!,
        unit: 'B',
        baseline: { label: '1 event / s', value: sizes.sketch_1x! },
        target: { op: '<=', limit: 1.1 },
        notes: `at 1 event/s: ${bytes(sizes.sketch_1x!)} per entity (360 tiles of both sketches); Redis allocates in size classes 4 KiB apart here, so the encoded state is also given: ${bytes(encoded.sketch_10x!)} at 10 events/s vs ${bytes(encoded.sketch_1x!)} at 1 event/s (${(encoded.sketch_10x! / encoded.sketch_1x!).toFixed(2)}×)`,
      }),
    ];
  } finally {
    redis.disconnect();
    await eddy.stop();
  }
}
