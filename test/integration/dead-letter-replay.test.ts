/**
 * Replaying dead letters: concurrent replays of the same letters ingest each record once (a replay takes the
 * letters out of the store atomically), and letters rejected again stay, with their new reason.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';

const T0 = Date.now() - 10 * 60_000;
const view = (entityKey: string) => ({
  name: 'replayed',
  entityKey,
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '1m',
  features: [
    { name: 'total', agg: 'sum', field: 'x', window: '1h' },
    { name: 'n', agg: 'count', window: '1h' },
  ],
});

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy({ EDDY_PUSH_LANES: '2' });
});
after(() => eddy.close());

async function status() {
  return (await eddy.app.inject({ url: '/v1/feature-views/replayed/status' })).json();
}

test('two concurrent replays of the same dead letters ingest each record once', async () => {
  // Version 1 keys entities by `id`; the records carry `sensor`: every one is a dead letter.
  const created = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: view('id') });
  assert.equal(created.statusCode, 201, created.body);
  const records = Array.from({ length: 20 }, (_, i) => ({ sensor: `s${i % 4}`, ts: T0 + i * 1000, x: i }));
  records.push({ ts: T0, x: 1 } as (typeof records)[number]); // no entity under either version
  const pushed = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/replayed/records?wait=true',
    payload: { records },
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  const letters = (
    await eddy.app.inject({ url: '/v1/feature-views/replayed/dead-letters?limit=100' })
  ).json();
  assert.equal(letters.total, 21);
  const ids = (letters.items as { id: string }[]).map((l) => l.id);

  // Version 2 keys them by `sensor`: a replay ingests all but the last.
  const put = await eddy.app.inject({
    method: 'PUT',
    url: '/v1/feature-views/replayed',
    payload: view('sensor'),
  });
  assert.ok(put.statusCode < 300, put.body);
  const replay = () =>
    eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/replayed/dead-letters/replay',
      payload: { ids },
    });
  const [a, b] = await Promise.all([replay(), replay()]);
  const results = [a, b].map((r) => {
    assert.ok(r.statusCode === 200 || r.statusCode === 404, r.body);
    return r.statusCode === 200 ? r.json() : { replayed: 0, rejected: [] };
  });
  assert.equal(results[0].replayed + results[1].replayed, 20, JSON.stringify(results));
  assert.equal(results[0].rejected.length + results[1].rejected.length, 1, JSON.stringify(results));

  const deadline = Date.now() + 10_000;
  let counts = (await status()).counts;
  while (counts.accepted < 20 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    counts = (await status()).counts;
  }
  await new Promise((r) => setTimeout(r, 300)); // anything pushed twice would be counted by now
  counts = (await status()).counts;
  assert.equal(counts.accepted, 20, JSON.stringify(counts));
  const features = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: 'replayed', entities: ['s0', 's1', 's2', 's3'], asOf: 'latest' },
  });
  // s_k holds x = k, k+4, ..., k+16: a sum of 5k + 40 over 5 events.
  assert.deepEqual(
    (features.json().results as { values: object }[]).map((r) => r.values),
    [0, 1, 2, 3].map((k) => ({ total: 5 * k + 40, n: 5 })),
  );
  const left = (await eddy.app.inject({ url: '/v1/feature-views/replayed/dead-letters' })).json();
  assert.equal(left.total, 1);
  assert.equal(left.items[0].replays, 1);
});
