/**
 * /metrics (Prometheus text) moves with real traffic: records by outcome as the view counters count them, batch
 * apply and online read latency, queue depths and dead-letter sizes read on scrape, HTTP requests; and each
 * runtime has its own registry.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

let eddy: TestEddy;
let other: TestEddy;
const T0 = Date.parse('2026-01-01T00:00:00Z');

before(async () => {
  eddy = await startEddy();
  other = await startEddy();
  for (const e of [eddy, other]) {
    const res = await e.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
    assert.equal(res.statusCode, 201, res.body);
  }
});
after(async () => {
  await eddy.close();
  await other.close();
});

/** The value of the sample with exactly these labels, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    const same =
      Object.keys(got).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => got[k] === v);
    if (same) return Number(m[3]);
  }
  return undefined;
}

const scrape = async (e: TestEddy) => {
  const res = await e.app.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return res.body;
};

test('counters move after a push: records by outcome match the view status, latencies are observed', async () => {
  const before = await scrape(eddy);
  assert.equal(
    sample(before, 'eddy_records_total', { view: 'sensor_stats', outcome: 'accepted' }),
    undefined,
  );

  const push = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/sensor_stats/records?wait=true',
    payload: {
      records: [
        { sensor_id: 'm1', ts: T0, temperature: 1, reading_id: 'a' },
        { sensor_id: 'm1', ts: T0 + 1000, temperature: 2, reading_id: 'b' },
        { sensor_id: 'm1', ts: T0 + 2000, temperature: 3, reading_id: 'a' }, // duplicate id
        { sensor_id: 'm1', ts: T0 - 3_600_000, temperature: 4 }, // late
        { sensor_id: 'm2', ts: T0, temperature: 5 },
        { ts: T0, temperature: 6 }, // rejected: no entity key
        { sensor_id: 'm2', ts: 'not a time', temperature: 7 }, // rejected
      ],
    },
  });
  assert.equal(push.statusCode, 200, push.body);
  const read = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: 'sensor_stats', entities: ['m1', 'm2', 'nobody'], asOf: 'latest' },
  });
  assert.equal(read.statusCode, 200);

  const text = await scrape(eddy);
  const status = (await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/status' })).json();
  assert.deepEqual(status.counts, { accepted: 3, rejected: 2, late: 1, duplicate: 1, filtered: 0 });
  for (const outcome of ['accepted', 'rejected', 'late', 'duplicate'] as const) {
    assert.equal(
      sample(text, 'eddy_records_total', { view: 'sensor_stats', outcome }),
      status.counts[outcome],
      outcome,
    );
  }
  assert.ok(sample(text, 'eddy_batch_apply_seconds_count', { source: 'push' })! >= 1);
  assert.equal(sample(text, 'eddy_online_read_seconds_count', { view: 'sensor_stats' }), 1);
  assert.equal(sample(text, 'eddy_dead_letters', { view: 'sensor_stats' }), 2);
  for (let lane = 0; lane < 4; lane++) {
    assert.equal(sample(text, 'eddy_queue_jobs', { queue: `push-lane-${lane}`, state: 'waiting' }), 0);
    assert.equal(sample(text, 'eddy_queue_jobs', { queue: `push-lane-${lane}`, state: 'active' }), 0);
  }
  assert.equal(
    sample(text, 'eddy_http_request_duration_seconds_count', {
      method: 'POST',
      route: '/v1/feature-views/:name/records',
      status_code: '200',
    }),
    1,
  );
  assert.ok(sample(text, 'eddy_process_resident_memory_bytes')! > 0, 'default process metrics');
  assert.doesNotMatch(text, /m1|m2|nobody/, 'entity ids never become labels');

  // The other runtime in this process has its own registry: none of this traffic shows there.
  const otherText = await scrape(other);
  assert.equal(
    sample(otherText, 'eddy_records_total', { view: 'sensor_stats', outcome: 'accepted' }),
    undefined,
  );
});

test('queue depths are read on scrape: jobs waiting while no worker runs', async () => {
  const apiOnly = await startEddy({}, { api: true, worker: false });
  try {
    await apiOnly.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
    const push = await apiOnly.app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records',
      payload: {
        records: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].map((s) => ({ sensor_id: s, ts: T0, temperature: 1 })),
      },
    });
    assert.equal(push.statusCode, 202);
    const text = await scrape(apiOnly);
    let waiting = 0;
    for (let lane = 0; lane < 4; lane++) {
      waiting += sample(text, 'eddy_queue_jobs', { queue: `push-lane-${lane}`, state: 'waiting' }) ?? 0;
    }
    // One job per lane that received records (six entities hash to at least one lane, at most four).
    assert.ok(waiting >= 1 && waiting <= 4, `waiting ${waiting}`);
  } finally {
    await apiOnly.close();
  }
});

test('the setters other components use: shard lag, SageMaker writes', async () => {
  const m = eddy.runtime.worker!.metrics;
  m.setMillisBehindLatest('sensor-readings', 'shardId-000000000001', 1500);
  m.setMillisBehindLatest('sensor-readings', 'shardId-000000000002', 250);
  m.countSinkWrites('sensor-stats', 'written', 3);
  m.countSinkWrites('sensor-stats', 'retried');
  let text = await scrape(eddy);
  assert.equal(
    sample(text, 'eddy_kinesis_millis_behind_latest', {
      stream: 'sensor-readings',
      shard: 'shardId-000000000001',
    }),
    1500,
  );
  assert.equal(m.maxMillisBehindLatest(), 1500);
  assert.equal(
    sample(text, 'eddy_sagemaker_writes_total', { feature_group: 'sensor-stats', outcome: 'written' }),
    3,
  );
  assert.equal(
    sample(text, 'eddy_sagemaker_writes_total', { feature_group: 'sensor-stats', outcome: 'retried' }),
    1,
  );
  m.forgetShard('sensor-readings', 'shardId-000000000001');
  text = await scrape(eddy);
  assert.equal(
    sample(text, 'eddy_kinesis_millis_behind_latest', {
      stream: 'sensor-readings',
      shard: 'shardId-000000000001',
    }),
    undefined,
  );
  assert.equal(m.maxMillisBehindLatest(), 250);
  m.forgetShard('sensor-readings', 'shardId-000000000002');
  assert.equal(m.maxMillisBehindLatest(), null);
});
