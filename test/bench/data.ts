/**
 * The benchmark's feature views and generated records (deterministic: a seeded generator, times relative to a
 * given end time).
 */
import { seededRandom } from '../../src/core/seeded-random.js';

/** Online reads: 10 features over 1h and 1d windows of two fields; 1-minute tiles (1,440 per day). */
export const readView = (name: string) => ({
  name,
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '1m',
  allowedLateness: '5m',
  features: [
    { name: 'temp_avg_1h', agg: 'avg', field: 'temperature', window: '1h' },
    { name: 'temp_max_1h', agg: 'max', field: 'temperature', window: '1h' },
    { name: 'temp_std_1h', agg: 'stddev', field: 'temperature', window: '1h' },
    { name: 'hum_avg_1h', agg: 'avg', field: 'humidity', window: '1h' },
    { name: 'readings_1h', agg: 'count', window: '1h' },
    { name: 'temp_avg_1d', agg: 'avg', field: 'temperature', window: '1d' },
    { name: 'temp_min_1d', agg: 'min', field: 'temperature', window: '1d' },
    { name: 'temp_max_1d', agg: 'max', field: 'temperature', window: '1d' },
    { name: 'temp_std_1d', agg: 'stddev', field: 'temperature', window: '1d' },
    { name: 'hum_avg_1d', agg: 'avg', field: 'humidity', window: '1d' },
  ],
});

/**
 * Ingest and state size: two time windows (5m, 1h), a count window (stddev of the last 50), `last`, as in
 * the README's example (10-second tiles, 5 minutes of allowed lateness), without an event id field.
 */
export const ingestView = (name: string, source: Record<string, unknown> = { type: 'push' }) => ({
  name,
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  source,
  granularity: '10s',
  allowedLateness: '5m',
  features: [
    { name: 'temp_avg_5m', agg: 'avg', field: 'temperature', window: '5m' },
    { name: 'temp_max_1h', agg: 'max', field: 'temperature', window: '1h' },
    { name: 'readings_5m', agg: 'count', window: '5m' },
    { name: 'temp_std_50', agg: 'stddev', field: 'temperature', events: 50 },
    { name: 'temp_last', agg: 'last', field: 'temperature' },
  ],
});

export interface Reading {
  sensor_id: string;
  ts: number;
  temperature: number;
  humidity: number;
}

export const sensorId = (i: number) => `sensor-${String(i).padStart(5, '0')}`;

/** One sensor's reading at `ts`: a daily temperature cycle plus noise, humidity around 45%. */
export function reading(sensor: string, ts: number, random: () => number): Reading {
  const day = (ts % 86_400_000) / 86_400_000;
  return {
    sensor_id: sensor,
    ts,
    temperature: Math.round((20 + 5 * Math.sin(2 * Math.PI * day) + (random() - 0.5) * 2) * 100) / 100,
    humidity: Math.round((45 + (random() - 0.5) * 10) * 10) / 10,
  };
}

/** Readings of one sensor every `everyMs` over the `spanMs` before `endMs` (ascending). */
export function series(
  sensor: string,
  endMs: number,
  spanMs: number,
  everyMs: number,
  seed: number,
): Reading[] {
  const random = seededRandom(seed);
  const out: Reading[] = [];
  for (let t = endMs - spanMs + everyMs; t <= endMs; t += everyMs) out.push(reading(sensor, t, random));
  return out;
}

/** Splits records into push request bodies of at most `per` records. */
export function bodies(records: readonly unknown[], per = 10_000): string[] {
  const out: string[] = [];
  for (let i = 0; i < records.length; i += per)
    out.push(JSON.stringify({ records: records.slice(i, i + per) }));
  return out;
}
