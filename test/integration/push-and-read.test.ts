import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

let eddy: TestEddy;
const T0 = Date.parse('2026-01-01T00:00:00Z');

before(async () => {
  eddy = await startEddy();
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
  assert.equal(res.statusCode, 201, res.body);
});
after(() => eddy.close());

const push = (records: unknown[], wait = true, view = 'sensor_stats') =>
  eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${view}/records${wait ? '?wait=true' : ''}`,
    payload: { records },
  });

const read = (body: Record<string, unknown>) =>
  eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: 'sensor_stats', ...body },
  });

describe('push ingestion and online reads', () => {
  test('pushed readings become rolling features (wait=true returns applied counts)', async () => {
    const records = [70, 72, 74, 76].map((temperature, i) => ({
      sensor_id: 's1',
      ts: T0 + i * 20_000,
      temperature,
      reading_id: `r${i}`,
    }));
    const res = await push(records);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().applied, { accepted: 4, late: 0, duplicate: 0, failed: 0 });
    assert.equal(res.json().accepted, 4);
    assert.deepEqual(res.json().rejected, []);

    const entity = await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/entities/s1?asOf=latest' });
    assert.equal(entity.statusCode, 200, entity.body);
    const r = entity.json();
    assert.equal(r.status, 'PRESENT');
    assert.equal(r.eventTime, new Date(T0 + 60_000).toISOString());
    assert.equal(r.values.temp_avg_5m, 73);
    assert.equal(r.values.temp_max_1h, 76);
    assert.equal(r.values.readings_5m, 4);
    assert.ok(Math.abs(r.values.temp_std_50 - Math.sqrt(5)) < 1e-12);
    assert.equal(r.values.temp_last, 76);
  });

  test('windows decay with asOf; count windows do not', async () => {
    const later = new Date(T0 + 60_000 + 10 * 60_000).toISOString();
    const r = (
      await eddy.app.inject({ url: `/v1/feature-views/sensor_stats/entities/s1?asOf=${later}` })
    ).json();
    assert.equal(r.values.readings_5m, 0);
    assert.equal(r.values.temp_avg_5m, null);
    assert.equal(r.values.temp_max_1h, 76);
    assert.ok(Math.abs(r.values.temp_std_50 - Math.sqrt(5)) < 1e-12);
  });

  test('late and duplicate records are counted, not applied', async () => {
    const res = await push([
      { sensor_id: 's1', ts: T0 + 80_000, temperature: 1000, reading_id: 'r3' }, // duplicate id
      { sensor_id: 's1', ts: T0 + 60_000 - 6 * 60_000, temperature: -5 }, // older than watermark - 5m
      { sensor_id: 's1', ts: T0 + 70_000, temperature: 78, reading_id: 'r4' },
    ]);
    assert.deepEqual(res.json().applied, { accepted: 1, late: 1, duplicate: 1, failed: 0 });
    const r = (
      await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/entities/s1?asOf=latest' })
    ).json();
    assert.equal(r.values.temp_max_1h, 78);
    assert.equal(r.values.readings_5m, 5);
  });

  test('bad records are rejected with index and reason, kept as dead letters, and never block the rest', async () => {
    const res = await push([
      { sensor_id: 's2', ts: T0, temperature: 50 },
      { ts: T0, temperature: 51 },
      'not an object',
      { sensor_id: 's2', ts: 'yesterday', temperature: 52 },
      { sensor_id: 's2', ts: T0 + 1000, temperature: '53' },
      { sensor_id: 'x'.repeat(257), ts: T0, temperature: 54 },
      { sensor_id: 's2', ts: T0 + 2000, temperature: 55 },
    ]);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.accepted, 2);
    assert.deepEqual(
      body.rejected.map((r: { index: number }) => r.index),
      [1, 2, 3, 4, 5],
    );
    for (const r of body.rejected) assert.ok(r.reason.length > 0 && r.code.length > 0);
    assert.equal(body.applied.accepted, 2);

    const dl = await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/dead-letters?limit=3' });
    assert.equal(dl.statusCode, 200);
    const page = dl.json();
    assert.equal(page.total, 5);
    assert.equal(page.items.length, 3);
    assert.ok(page.next);
    const rest = (
      await eddy.app.inject({
        url: `/v1/feature-views/sensor_stats/dead-letters?after=${encodeURIComponent(page.next)}`,
      })
    ).json();
    assert.equal(rest.items.length, 2);
    assert.equal(rest.next, null);
    assert.deepEqual(page.items[0].record, { ts: T0, temperature: 51 });

    const status = (await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/status' })).json();
    assert.equal(status.counts.rejected, 5);
  });

  test('replaying dead letters after a definition change ingests the ones now valid', async () => {
    const view = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: sensorView({ name: 'replay_view', eventIdField: undefined }),
    });
    assert.equal(view.statusCode, 201);
    const pushed = await push(
      [
        { sensor: 'a', ts: T0, temperature: 1 },
        { sensor_id: 'b', ts: T0, temperature: 'NaN' },
      ],
      true,
      'replay_view',
    );
    assert.equal(pushed.json().rejected.length, 2);
    // v2 keys entities by `sensor`: the first record becomes valid, the second stays bad.
    const v2 = await eddy.app.inject({
      method: 'PUT',
      url: '/v1/feature-views/replay_view',
      payload: sensorView({ name: 'replay_view', eventIdField: undefined, entityKey: 'sensor' }),
    });
    assert.equal(v2.json().version, 2);
    const replay = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/replay_view/dead-letters/replay',
      payload: {},
    });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(replay.json().replayed, 1);
    assert.equal(replay.json().rejected.length, 1);
    const left = (await eddy.app.inject({ url: '/v1/feature-views/replay_view/dead-letters' })).json();
    assert.equal(left.total, 1);
    assert.equal(left.items[0].replays, 1);
    // The replayed record lands in v2 (asynchronously: poll the online API).
    let found = false;
    for (let i = 0; i < 100 && !found; i++) {
      const r = (
        await eddy.app.inject({ url: '/v1/feature-views/replay_view/entities/a?asOf=latest' })
      ).json();
      found = r.status === 'PRESENT' && r.values.temp_last === 1;
      if (!found) await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(found, 'replayed record applied to version 2');
  });

  test('POST /v1/online-features answers in request order, with NOT_FOUND entities', async () => {
    const res = await read({
      entities: ['s2', 'nobody', 's1'],
      features: ['temp_last', 'readings_5m'],
      asOf: 'latest',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.featureView, 'sensor_stats');
    assert.equal(body.version, 1);
    assert.deepEqual(
      body.results.map((r: { entity: string; status: string }) => [r.entity, r.status]),
      [
        ['s2', 'PRESENT'],
        ['nobody', 'NOT_FOUND'],
        ['s1', 'PRESENT'],
      ],
    );
    assert.deepEqual(Object.keys(body.results[0].values).sort(), ['readings_5m', 'temp_last']);
    assert.equal(body.results[0].values.temp_last, 55);
    assert.deepEqual(body.results[1].values, { temp_last: null, readings_5m: 0 });
    assert.equal(body.results[1].eventTime, null);
  });

  test('read errors: unknown feature, bad asOf, too many entities, unknown view', async () => {
    const unknown = await read({ entities: ['s1'], features: ['nope'] });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().code, 'UNKNOWN_FEATURE');
    const asOf = await read({ entities: ['s1'], asOf: '2026-01-01T00:00:00' });
    assert.equal(asOf.statusCode, 400);
    assert.equal(asOf.json().code, 'INVALID_AS_OF');
    const many = await read({ entities: Array.from({ length: 1001 }, (_, i) => `e${i}`) });
    assert.equal(many.statusCode, 400);
    assert.equal(many.json().field, '/body/entities');
    const none = await eddy.app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: 'nope', entities: ['a'] },
    });
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().code, 'FEATURE_VIEW_NOT_FOUND');
  });

  test('push limits: empty, more than 10,000 records, larger than 5 MiB', async () => {
    assert.equal((await push([])).statusCode, 400);
    const tooMany = await push(Array.from({ length: 10_001 }, () => ({})));
    assert.equal(tooMany.statusCode, 400);
    const big = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records',
      payload: { records: [{ sensor_id: 's1', pad: 'x'.repeat(5 * 1024 * 1024) }] },
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().code, 'PAYLOAD_TOO_LARGE');
    const unknownView = await push([{ sensor_id: 'a' }], false, 'no_such_view');
    assert.equal(unknownView.statusCode, 404);
  });

  test('202 without wait; the status shows counts and push-lane checkpoints', async () => {
    const res = await push([{ sensor_id: 's3', ts: T0, temperature: 1 }], false);
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().applied, undefined);
    let status:
      | { counts: { accepted: number }; sources: { source: string }[]; lastEventTime: string }
      | undefined;
    for (let i = 0; i < 100; i++) {
      status = (await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/status' })).json();
      const s3 = (await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/entities/s3' })).json();
      if (s3.status === 'PRESENT') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(status!.sources.length >= 1);
    assert.ok(status!.sources.every((s) => s.source.startsWith('p:')));
    assert.equal(status!.lastEventTime, new Date(T0 + 70_000).toISOString());
  });
});
