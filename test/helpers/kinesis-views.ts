/** Kinesis test kit: the test view on a stream, its status, and waiting for the status to show everything consumed. */
import assert from 'node:assert/strict';
import { compileView } from '../../src/core/compile-view.js';
import type { CompiledView, FeatureView } from '../../src/core/feature-view.js';
import type { App } from '../../src/http/app.js';

export const kinesisViewSpec = (name: string, stream: string, extra: Record<string, unknown> = {}) => ({
  name,
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  source: { type: 'kinesis', streamName: stream, startPosition: 'TRIM_HORIZON' },
  granularity: '10s',
  allowedLateness: '2m',
  eventIdField: 'reading_id',
  features: [
    { name: 'temp_avg_5m', agg: 'avg', field: 'temperature', window: '5m' },
    { name: 'temp_max_1h', agg: 'max', field: 'temperature', window: '1h' },
    { name: 'temp_sum_1m', agg: 'sum', field: 'temperature', window: '1m' },
    { name: 'readings_5m', agg: 'count', window: '5m' },
    { name: 'temp_std_50', agg: 'stddev', field: 'temperature', events: 50 },
    { name: 'temp_var_10m', agg: 'var_samp', field: 'temperature', window: '10m' },
    { name: 'temp_last', agg: 'last', field: 'temperature' },
    { name: 'temp_z_5m', agg: 'zscore', field: 'temperature', window: '5m' },
    { name: 'temp_rate_1m', agg: 'rate', field: 'temperature', window: '1m' },
    { name: 'temp_p95_10m', agg: 'approx_percentile', field: 'temperature', window: '10m', p: 0.95 },
    { name: 'temp_ewma', agg: 'ewma', field: 'temperature', halfLife: '1m' },
    { name: 'lines_10m', agg: 'approx_count_distinct', field: 'line', window: '10m' },
    { name: 'silent', agg: 'time_since_last' },
  ],
  ...extra,
});

export async function createView(app: App, spec: object): Promise<CompiledView> {
  const res = await app.inject({ method: 'POST', url: '/v1/feature-views', payload: spec });
  assert.equal(res.statusCode, 201, res.body);
  return compileView(res.json() as FeatureView);
}

export async function status(app: App, view: string) {
  const res = await app.inject({ url: `/v1/feature-views/${view}/status` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Polls the status until its counts add up to `total` records (or fails after `timeoutMs`). */
export async function waitConsumed(app: App, view: string, total: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(app, view);
    const sum = s.counts.accepted + s.counts.rejected + s.counts.late + s.counts.duplicate;
    if (sum >= total) return s;
    if (Date.now() > deadline) assert.fail(`only ${sum} of ${total} records consumed: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
