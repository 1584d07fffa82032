/**
 * An entity id with an unpaired UTF-16 surrogate is never pushed (ENTITY_KEY_INVALID), and reading one never
 * answers another entity's state: UTF-8 would turn `"\ud800"` into U+FFFD, the id `"\ufffd"`, so the key
 * escaping keeps such ids apart. Reads answer 400 (a URL that cannot carry the id) or NOT_FOUND.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { escapeKeyPart } from '../../src/adapters/redis/keys.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

let eddy: TestEddy;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const REPLACEMENT = '\ufffd';
const LONE = ['\ud800', '\udc00', 'a\udbff', '\udfffz', `${REPLACEMENT}\ud800`];

before(async () => {
  eddy = await startEddy();
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
  assert.equal(res.statusCode, 201, res.body);
  // The ids UTF-8 would confuse with the lone-surrogate ones hold state.
  const push = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/sensor_stats/records?wait=true',
    payload: {
      records: [REPLACEMENT, `a${REPLACEMENT}`, `${REPLACEMENT}z`, REPLACEMENT.repeat(2)].map((id) => ({
        sensor_id: id,
        ts: T0,
        temperature: 42,
      })),
    },
  });
  assert.equal(push.statusCode, 200, push.body);
  assert.equal(push.json().applied.accepted, 4);
});
after(() => eddy.close());

test('escaped keys of lone surrogates differ from those of U+FFFD and of every other id', () => {
  assert.equal(escapeKeyPart(REPLACEMENT), '%EF%BF%BD');
  assert.equal(escapeKeyPart('\ud800'), '%uD800');
  assert.equal(escapeKeyPart('a\udbff'), 'a%uDBFF');
  assert.equal(escapeKeyPart('😀'), '%F0%9F%98%80'); // a pair is one character: its UTF-8 bytes
  const keys = new Set([...LONE, REPLACEMENT, `a${REPLACEMENT}`, `${REPLACEMENT}z`].map(escapeKeyPart));
  assert.equal(keys.size, LONE.length + 3);
});

test('push rejects lone-surrogate ids', async () => {
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/sensor_stats/records',
    payload: { records: LONE.map((id) => ({ sensor_id: id, ts: T0, temperature: 1 })) },
  });
  assert.equal(res.statusCode, 202, res.body);
  assert.equal(res.json().accepted, 0);
  for (const r of res.json().rejected) assert.equal(r.code, 'ENTITY_KEY_INVALID');
});

test('POST /v1/online-features: lone-surrogate ids are NOT_FOUND, U+FFFD ids are present', async () => {
  const entities = [...LONE, REPLACEMENT];
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    headers: { 'content-type': 'application/json' },
    // JSON escapes: JSON.stringify would write the lone surrogates as \\udXXX too, but be explicit.
    payload: `{"featureView":"sensor_stats","asOf":"latest","entities":["\\ud800","\\udc00","a\\udbff","\\udfffz","\\ufffd\\ud800","\\ufffd"]}`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const results = res.json().results as { entity: string; status: string; values: Record<string, unknown> }[];
  assert.deepEqual(
    results.map((r) => r.entity),
    entities,
  );
  for (const r of results.slice(0, LONE.length)) {
    assert.equal(r.status, 'NOT_FOUND', JSON.stringify(r.entity));
    assert.equal(r.values.temp_last, null);
  }
  assert.equal(results.at(-1)!.status, 'PRESENT');
  assert.equal(results.at(-1)!.values.temp_last, 42);
});

test('GET routes: a lone surrogate in the path is a malformed URL (400), never the state of U+FFFD', async () => {
  // A URL's UTF-8 cannot carry a lone surrogate: its surrogate-code-point bytes (%ED%A0%80) are malformed UTF-8.
  for (const path of ['%ED%A0%80', '%ED%B0%80', 'a%ED%AF%BF', '%EF%BF%BD%ED%A0%80']) {
    for (const route of ['', '/events?field=temperature']) {
      const res = await eddy.app.inject({ url: `/v1/feature-views/sensor_stats/entities/${path}${route}` });
      assert.equal(res.statusCode, 400, `${path}${route}: ${res.body}`);
      assert.equal(res.json().code, 'VALIDATION_FAILED');
    }
  }
  const ok = await eddy.app.inject({
    url: '/v1/feature-views/sensor_stats/entities/%EF%BF%BD?asOf=latest',
  });
  assert.equal(ok.json().status, 'PRESENT');
  assert.equal(ok.json().values.temp_last, 42);
});
