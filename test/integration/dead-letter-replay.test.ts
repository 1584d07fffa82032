/**
 * Replaying dead letters: concurrent replays of the same letters ingest each record once (a replay claims the
 * letters atomically), letters rejected again stay, with their new reason, and a replay that dies loses none.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { keyLayout } from '../../src/adapters/redis/keys.js';
import { redisDeadLetters } from '../../src/adapters/redis/redis-dead-letters.js';
import { defineEddyCommands } from '../../src/adapters/redis/scripts.js';
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

test('a replay that dies after claiming its letters loses none: the claims return to the store', async () => {
  const name = 'claimed';
  const created = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: { ...view('id'), name },
  });
  assert.equal(created.statusCode, 201, created.body);
  const records = Array.from({ length: 6 }, (_, i) => ({ sensor: `s${i % 2}`, ts: T0 + i * 1000, x: i + 1 }));
  await eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${name}/records?wait=true`,
    payload: { records },
  });
  const list = async () => (await eddy.app.inject({ url: `/v1/feature-views/${name}/dead-letters` })).json();
  const before = await list();
  assert.equal(before.total, 6);

  // A replay claims four letters, then its process dies (nothing queued, nothing settled).
  const store = redisDeadLetters(defineEddyCommands(eddy.redis), keyLayout(eddy.prefix), 1000);
  const claimedIds = (before.items as { id: string }[]).slice(0, 4).map((l) => l.id);
  const claimed = await store.claim(name, claimedIds);
  assert.deepEqual(
    claimed.map((l) => l?.id),
    claimedIds,
  );
  assert.equal((await list()).total, 2, 'claimed letters are out of the store while their replay runs');
  assert.deepEqual(await store.claim(name, claimedIds), [null, null, null, null], 'a claim is taken once');

  // Young claims stay claimed; stale ones come back, in their original order, with their entries unchanged.
  assert.equal(await store.recoverClaims(name, 60_000), 0);
  assert.equal(await store.recoverClaims(name, 0), 4);
  const after = await list();
  assert.deepEqual(after, before);

  // And the next replay ingests them, once.
  const put = await eddy.app.inject({
    method: 'PUT',
    url: `/v1/feature-views/${name}`,
    payload: { ...view('sensor'), name },
  });
  assert.ok(put.statusCode < 300, put.body);
  const replay = await eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${name}/dead-letters/replay`,
    payload: { ids: (after.items as { id: string }[]).map((l) => l.id) },
  });
  assert.equal(replay.statusCode, 200, replay.body);
  assert.equal(replay.json().replayed, 6);
  assert.equal((await list()).total, 0);
  assert.equal(await store.recoverClaims(name, 0), 0, 'a replay that finished leaves no claim behind');
});
