/**
 * Request limits: the Redis-backed rate limit (per key, per client address without a key, shared by every
 * instance on the same Redis), body size limits (413), bounds on entities per read and records per push,
 * parameter lengths, and the security headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { keysMatching, uniquePrefix } from '../helpers/redis.js';
import { sensorView } from '../helpers/views.js';

const ADMIN = 'admin-key-limits-0001';
const APP_A = 'rw-key-limits-000000a';
const APP_B = 'rw-key-limits-000000b';
const LIMIT = 5;

describe('rate limit (EDDY_RATE_LIMIT per minute)', () => {
  let one: TestEddy;
  let two: TestEddy;
  before(async () => {
    const env = {
      EDDY_API_KEYS: `admin:${ADMIN},read+write:${APP_A},read+write:${APP_B}`,
      EDDY_RATE_LIMIT: String(LIMIT),
      EDDY_KEY_PREFIX: uniquePrefix('rl'),
    };
    // Two API instances on one Redis and key prefix: the limit is shared.
    one = await startEddy(env, { api: true, worker: false });
    two = await startEddy(env, { api: true, worker: false });
  });
  after(async () => {
    await one.close();
    await two.close();
  });
  const list = (eddy: TestEddy, key?: string) =>
    eddy.app.inject({ url: '/v1/feature-views', headers: key ? { authorization: `Bearer ${key}` } : {} });

  test('the limit holds per key across instances; the next request gets 429 problem+json with Retry-After', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await list(i % 2 === 0 ? one : two, APP_A);
      assert.equal(res.statusCode, 200, `request ${i + 1}`);
      assert.equal(res.headers['x-ratelimit-limit'], String(LIMIT));
      assert.equal(res.headers['x-ratelimit-remaining'], String(LIMIT - i - 1));
    }
    for (const eddy of [one, two]) {
      const res = await list(eddy, APP_A);
      assert.equal(res.statusCode, 429);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().code, 'RATE_LIMITED');
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']}`);
    }
    // Another key has its own budget.
    assert.equal((await list(one, APP_B)).statusCode, 200);
  });

  test('requests without a valid key are limited by client address, before authorization', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++)
      statuses.push((await list(two, i % 2 ? 'guessed-key-000' : undefined)).statusCode);
    assert.deepEqual(statuses, [...Array(LIMIT).fill(401), 429]);
  });

  test('health, readiness and metrics are never limited', async () => {
    for (let i = 0; i < LIMIT * 3; i++) {
      for (const url of ['/healthz', '/readyz', '/metrics']) {
        assert.equal((await one.app.inject({ url })).statusCode, 200, url);
      }
    }
  });

  test('buckets live in Redis under <prefix>:rate-limit:, named by key id or address (never the key)', async () => {
    const keys = await keysMatching(one.redis, `${one.prefix}:rate-limit:*`);
    assert.deepEqual(keys.sort(), [
      `${one.prefix}:rate-limit:ip:127.0.0.1`,
      `${one.prefix}:rate-limit:key-2`,
      `${one.prefix}:rate-limit:key-3`,
    ]);
  });
});

describe('size limits and bounds', () => {
  let eddy: TestEddy;
  before(async () => {
    eddy = await startEddy();
    const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
    assert.equal(res.statusCode, 201, res.body);
  });
  after(() => eddy.close());

  const problemOf = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    return res.json() as { code: string; field?: string };
  };

  test('a push body over 5 MiB is 413; just under 5 MiB is accepted', async () => {
    const record = { sensor_id: 's1', ts: 1_700_000_000_000, temperature: 1, pad: 'x'.repeat(600) };
    const over = JSON.stringify({ records: Array(9000).fill(record) });
    assert.ok(over.length > 5 * 1024 * 1024);
    const res = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records',
      headers: { 'content-type': 'application/json' },
      payload: over,
    });
    assert.equal(res.statusCode, 413);
    assert.equal(problemOf(res).code, 'PAYLOAD_TOO_LARGE');

    const under = JSON.stringify({ records: Array(7500).fill(record) });
    assert.ok(under.length > 4.5 * 1024 * 1024 && under.length < 5 * 1024 * 1024);
    const ok = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records',
      headers: { 'content-type': 'application/json' },
      payload: under,
    });
    assert.equal(ok.statusCode, 202, ok.body);
  });

  test('other routes take at most 1 MiB', async () => {
    const body = JSON.stringify({ ...sensorView(), description: 'd'.repeat(1024 * 1024) });
    for (const [method, url] of [
      ['POST', '/v1/feature-views'],
      ['PUT', '/v1/feature-views/sensor_stats'],
      ['POST', '/v1/online-features'],
    ] as const) {
      const res = await eddy.app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      assert.equal(res.statusCode, 413, url);
      assert.equal(problemOf(res).code, 'PAYLOAD_TOO_LARGE');
    }
  });

  test('more than 10,000 records per push or 1,000 entities per read is 400 naming the field', async () => {
    const records = Array.from({ length: 10_001 }, (_, i) => ({ sensor_id: 's', ts: i }));
    const push = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records',
      payload: { records },
    });
    assert.equal(push.statusCode, 400);
    assert.equal(problemOf(push).field, '/body/records');

    const entities = Array.from({ length: 1001 }, (_, i) => `e${i}`);
    const read = await eddy.app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: 'sensor_stats', entities },
    });
    assert.equal(read.statusCode, 400);
    assert.equal(problemOf(read).field, '/body/entities');
    const atBound = await eddy.app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: 'sensor_stats', entities: entities.slice(0, 1000) },
    });
    assert.equal(atBound.statusCode, 200);
    assert.equal(atBound.json().results.length, 1000);
  });

  test('parameters are bounded: entity ids over 256 characters, view names over 63, long paths', async () => {
    const longEntity = await eddy.app.inject({
      url: `/v1/feature-views/sensor_stats/entities/${'e'.repeat(257)}`,
    });
    assert.equal(longEntity.statusCode, 400);
    assert.equal(problemOf(longEntity).field, '/params/entity');
    const longName = await eddy.app.inject({ url: `/v1/feature-views/${'v'.repeat(64)}` });
    assert.equal(longName.statusCode, 400);
    // Beyond the router's 1,024-character parameter limit the router answers before any route.
    const huge = await eddy.app.inject({
      url: `/v1/feature-views/sensor_stats/entities/${'e'.repeat(2000)}`,
    });
    assert.equal(huge.statusCode, 400);
    assert.equal(problemOf(huge).code, 'VALIDATION_FAILED');
    const features = await eddy.app.inject({
      url: `/v1/feature-views/sensor_stats/entities/s1?features=${'a,'.repeat(4000)}a`,
    });
    assert.equal(features.statusCode, 400);
  });

  test('security headers on API responses, a CSP that lets Swagger UI load its own scripts', async () => {
    for (const url of ['/healthz', '/v1/feature-views', '/no/such/route', '/docs/']) {
      const res = await eddy.app.inject({ url });
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/, url);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /script-src 'self'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/, url);
      assert.equal(res.headers['x-powered-by'], undefined);
    }
    const ui = await eddy.app.inject({ url: '/docs/' });
    assert.equal(ui.statusCode, 200);
    // Every script Swagger UI loads is a same-origin file (allowed by script-src 'self'), none inline.
    const scripts = [...ui.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0);
    for (const [, attrs, inline] of scripts) {
      assert.match(attrs!, /src="\.\//);
      assert.equal(inline!.trim(), '');
    }
  });
});
