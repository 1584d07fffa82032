/**
 * GET /v1/feature-views/{name}/entities/{entity}/events: an entity's most recent raw values of a field, read
 * through the real app from a private Redis after real push-lane workers applied them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

let eddy: TestEddy;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

const view = sensorView({
  features: [
    { name: 'temp_avg_3', agg: 'avg', field: 'temperature', events: 3 },
    { name: 'temp_std_5', agg: 'stddev', field: 'temperature', events: 5 },
    { name: 'hum_max_1h', agg: 'max', field: 'humidity', window: '1h' },
  ],
});

const events = (entity: string, query: string) =>
  eddy.app.inject({ url: `/v1/feature-views/sensor_stats/entities/${entity}/events?${query}` });

before(async () => {
  eddy = await startEddy();
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: view });
  assert.equal(res.statusCode, 201, res.body);
  // Seven readings of s1, one out of order and one without a temperature; one reading of s2.
  const records = [
    { ts: T0, temperature: 10 },
    { ts: T0 + 2000, temperature: 12 },
    { ts: T0 + 1000, temperature: 11 },
    { ts: T0 + 3000, humidity: 40 },
    { ts: T0 + 4000, temperature: 14 },
    { ts: T0 + 5000, temperature: 15 },
    { ts: T0 + 6000, temperature: 16 },
  ].map((r, i) => ({ sensor_id: 's1', reading_id: `r${i}`, ...r }));
  records.push({ sensor_id: 'a b/ü', reading_id: 'x', ts: T0, temperature: 99 });
  const push = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/sensor_stats/records?wait=true',
    payload: { records },
  });
  assert.equal(push.statusCode, 200, push.body);
  assert.equal(push.json().applied.accepted, 8);
});
after(() => eddy.close());

describe('entity events', () => {
  test('returns the retained events of the field, oldest first, with the entity watermark', async () => {
    const res = await events('s1', 'field=temperature&asOf=latest');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      featureView: 'sensor_stats',
      version: 1,
      entity: 's1',
      field: 'temperature',
      status: 'PRESENT',
      eventTime: iso(T0 + 6000),
      retained: 5,
      // Six temperatures accepted; the view keeps the five most recent by event time.
      events: [
        { eventTime: iso(T0 + 1000), value: 11 },
        { eventTime: iso(T0 + 2000), value: 12 },
        { eventTime: iso(T0 + 4000), value: 14 },
        { eventTime: iso(T0 + 5000), value: 15 },
        { eventTime: iso(T0 + 6000), value: 16 },
      ],
    });
  });

  test('limit keeps the most recent; a count window of n events reads exactly the last n', async () => {
    const last3 = (await events('s1', 'field=temperature&limit=3&asOf=latest')).json().events;
    assert.deepEqual(
      last3.map((e: { value: number }) => e.value),
      [14, 15, 16],
    );
    const features = (
      await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/entities/s1?asOf=latest' })
    ).json();
    assert.equal(features.values.temp_avg_3, 15);
  });

  test('asOf reads the events at or before a time, as the count windows do', async () => {
    const res = await events('s1', `field=temperature&asOf=${T0 + 2000}`);
    assert.deepEqual(
      res.json().events.map((e: { value: number }) => e.value),
      [11, 12],
    );
    const now = await events('s1', 'field=temperature&limit=1'); // default asOf=now: every event is in the past
    assert.deepEqual(now.json().events, [{ eventTime: iso(T0 + 6000), value: 16 }]);
  });

  test('escaped entity ids and unknown entities', async () => {
    const odd = await events(encodeURIComponent('a b/ü'), 'field=temperature');
    assert.equal(odd.statusCode, 200, odd.body);
    assert.equal(odd.json().entity, 'a b/ü');
    assert.deepEqual(odd.json().events, [{ eventTime: iso(T0), value: 99 }]);
    const missing = await events('nobody', 'field=temperature');
    assert.equal(missing.statusCode, 200);
    assert.equal(missing.json().status, 'NOT_FOUND');
    assert.equal(missing.json().eventTime, null);
    assert.deepEqual(missing.json().events, []);
  });

  test('a field no count window reads is a problem naming the retained fields', async () => {
    for (const field of ['humidity', 'nope']) {
      const res = await events('s1', `field=${field}`);
      assert.equal(res.statusCode, 400);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
      assert.equal(res.json().code, 'EVENTS_NOT_RETAINED');
      assert.equal(res.json().field, '/querystring/field');
      assert.match(res.json().detail, /here: temperature/);
    }
  });

  test('validation: field required, limit 1..1000, unknown view, bad asOf', async () => {
    assert.equal((await events('s1', '')).statusCode, 400);
    assert.equal((await events('s1', 'field=temperature&limit=0')).statusCode, 400);
    assert.equal((await events('s1', 'field=temperature&limit=1001')).statusCode, 400);
    assert.equal((await events('s1', 'field=temperature&extra=1')).statusCode, 400);
    const bad = await events('s1', 'field=temperature&asOf=yesterday');
    assert.equal(bad.json().code, 'INVALID_AS_OF');
    const unknown = await eddy.app.inject({ url: '/v1/feature-views/nope/entities/s1/events?field=x' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'FEATURE_VIEW_NOT_FOUND');
  });
});
