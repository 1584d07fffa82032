/**
 * Authorization over every route the app registers (collected with an onRoute hook as the app is built), for
 * every kind of credential: none, an unknown key, and keys with each scope. A route without a declared scope
 * fails this test unless it is listed here as public on purpose.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { buildEddyApp, type EddyRuntime, startRuntime } from '../../src/assemble.js';
import { parseConfig } from '../../src/config.js';
import type { App } from '../../src/http/app.js';
import { createLogger } from '../../src/runtime/logger.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';
import { sensorView } from '../helpers/views.js';

const KEYS = {
  admin: 'admin-key-0123456789',
  write: 'write-key-0123456789',
  read: 'read-key-0123456789',
  readWrite: 'rw-key-0123456789',
};
const API_KEYS = `admin:${KEYS.admin},write:${KEYS.write},read:${KEYS.read},read+write:${KEYS.readWrite}`;

/**
 * Open on purpose: the root (a redirect to the dashboard), probes, metrics, the API documentation, and the demo dashboard's static files (it reads data
 * through the API, with a key). Anything else must declare a scope.
 */
const PUBLIC = [
  /^\/$/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/docs(\/.*)?$/,
  /^\/dashboard(\/.*)?$/,
];

/**
 * Routes that authenticate with their own protocol's credentials instead of a bearer token: the SageMaker
 * runtime-compatible API (SigV4 with an Eddy key as the secret) and the Firehose endpoint
 * (`X-Amz-Firehose-Access-Key`). Without credentials they refuse (tested below).
 */
const OWN_AUTHENTICATION = [/^\/sagemaker-featurestore\//, /^\/v1\/feature-views\/:name\/firehose$/];

let runtime: EddyRuntime;
let app: App;
/** Route options objects as registered (the auth plugin's onRoute hook fills in `config.scope` after ours). */
const registered: RouteOptions[] = [];
const routes: { method: string; url: string; scope?: string }[] = [];
const logLines: string[] = [];

before(async () => {
  const redis = await privateRedis();
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    EDDY_API_KEYS: API_KEYS,
    EDDY_KEY_PREFIX: uniquePrefix('auth'),
    REDIS_URL: redis.url,
  });
  runtime = await startRuntime(config, redis.url, createLogger(config), { api: true, worker: true });
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await buildEddyApp(runtime.deps, {
    loggerInstance: createLogger({ logLevel: 'trace' }, {}, sink),
    onRoute: (route: RouteOptions) => registered.push(route),
  });
  await app.ready();
  for (const route of registered) {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, scope: (route.config as { scope?: string } | undefined)?.scope });
    }
  }
  const created = await app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    headers: { authorization: `Bearer ${KEYS.admin}` },
    payload: sensorView(),
  });
  assert.equal(created.statusCode, 201, created.body);
});
after(async () => {
  await app.close();
  await runtime.close();
});

/** A concrete URL for a route pattern; names chosen so no real queue or view is touched. */
const concrete = (url: string) =>
  url
    .replace(':name', 'no_such_view')
    .replace(':entity', 's1')
    .replace(/:[A-Za-z]+/g, 'no-such-thing')
    .replace('*', 'no-such-file');

const call = (method: string, url: string, key?: string) =>
  app.inject({
    method: method as 'GET',
    url: concrete(url),
    headers: key ? { authorization: `Bearer ${key}` } : {},
    ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {}),
  });

const holders: Record<string, (keyof typeof KEYS)[]> = {
  admin: ['admin'],
  write: ['admin', 'write', 'readWrite'],
  read: ['admin', 'read', 'readWrite'],
};

describe('authorization matrix', () => {
  test('the app registered the routes we expect to check', () => {
    const urls = new Set(routes.map((r) => r.url));
    for (const url of ['/v1/feature-views', '/v1/online-features', '/admin/queues', '/metrics', '/readyz']) {
      assert.ok(urls.has(url), `${url} registered`);
    }
    assert.ok(routes.length > 20);
  });

  test('every route either declares a scope or is public on purpose', () => {
    const undeclared = routes.filter(
      (r) => !r.scope && !PUBLIC.some((p) => p.test(r.url)) && !OWN_AUTHENTICATION.some((p) => p.test(r.url)),
    );
    assert.deepEqual(undeclared, [], 'routes without a scope that are not listed as public');
    for (const r of routes.filter((r) => r.url.startsWith('/admin'))) assert.equal(r.scope, 'admin', r.url);
  });

  test('every protected route: 401 without or with an unknown key, 403 without the scope, passes with it', async () => {
    let checked = 0;
    for (const route of routes.filter((r) => r.scope)) {
      const where = `${route.method} ${route.url}`;
      for (const key of [undefined, 'not-a-configured-key']) {
        const res = await call(route.method, route.url, key);
        assert.equal(res.statusCode, 401, `${where} with ${key ? 'an unknown key' : 'no key'}`);
        assert.match(String(res.headers['www-authenticate']), /^Bearer realm="eddy"/, where);
        if (route.method !== 'HEAD') {
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, where);
          assert.equal(res.json().code, 'UNAUTHORIZED', where);
        }
      }
      for (const [name, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
        const res = await call(route.method, route.url, key);
        if (holders[route.scope!]!.includes(name)) {
          assert.ok(![401, 403].includes(res.statusCode), `${where} with the ${name} key: ${res.statusCode}`);
        } else {
          assert.equal(res.statusCode, 403, `${where} with the ${name} key`);
          assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/, where);
          if (route.method !== 'HEAD') assert.equal(res.json().code, 'FORBIDDEN', where);
        }
      }
      checked++;
    }
    assert.ok(checked >= 20, `checked ${checked} protected routes`);
  });

  test('public routes answer without a key', async () => {
    for (const route of routes.filter((r) => !r.scope && r.method === 'GET')) {
      if (OWN_AUTHENTICATION.some((p) => p.test(route.url))) continue;
      const res = await call(route.method, route.url);
      assert.ok(![401, 403].includes(res.statusCode), `${route.url}: ${res.statusCode}`);
    }
  });

  test('routes with their own authentication refuse requests without their credentials, even with a bearer key', async () => {
    const own = routes.filter((r) => !r.scope && OWN_AUTHENTICATION.some((p) => p.test(r.url)));
    assert.equal(own.length, 4); // GetRecord (GET and HEAD), BatchGetRecord, Firehose
    for (const route of own) {
      const url = route.url.replace(':name', 'sensor_stats').replace(':FeatureGroupName', 'sensor_stats');
      for (const headers of [{}, { authorization: `Bearer ${KEYS.admin}` }]) {
        const res = await app.inject({
          method: route.method as 'GET',
          url,
          headers,
          payload: route.method === 'POST' ? '{}' : undefined,
        });
        assert.ok([401, 403].includes(res.statusCode), `${route.method} ${url}: ${res.statusCode}`);
      }
    }
  });
});

describe('keys in practice', () => {
  const headers = (key: string) => ({ authorization: `Bearer ${key}` });

  test('a write key pushes, a read key reads what was pushed, neither can register views', async () => {
    const push = await app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records?wait=true',
      headers: headers(KEYS.write),
      payload: { records: [{ sensor_id: 's1', ts: 1_700_000_000_000, temperature: 20 }] },
    });
    assert.equal(push.statusCode, 200, push.body);
    const read = await app.inject({
      url: '/v1/feature-views/sensor_stats/entities/s1?asOf=latest',
      headers: headers(KEYS.read),
    });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().values.temp_last, 20);
    for (const key of [KEYS.read, KEYS.write, KEYS.readWrite]) {
      const res = await app.inject({
        method: 'PUT',
        url: '/v1/feature-views/sensor_stats',
        headers: headers(key),
        payload: sensorView(),
      });
      assert.equal(res.statusCode, 403);
    }
  });

  test('the queue dashboard lists the push lanes for an admin, also with HTTP Basic (for browsers)', async () => {
    const page = await app.inject({ url: '/admin/queues', headers: headers(KEYS.admin) });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const basic = `Basic ${Buffer.from(`ops:${KEYS.admin}`).toString('base64')}`;
    const api = await app.inject({ url: '/admin/queues/api/queues', headers: { authorization: basic } });
    assert.equal(api.statusCode, 200, api.body);
    const names = (api.json().queues as { name: string }[]).map((q) => q.name).sort();
    for (const lane of ['push-lane-0', 'push-lane-1', 'push-lane-2', 'push-lane-3']) {
      assert.ok(names.includes(lane), `${lane} shown`);
    }
    const anonymous = await app.inject({ url: '/admin/queues' });
    assert.equal(anonymous.statusCode, 401);
    assert.deepEqual(anonymous.headers['www-authenticate'], [
      'Bearer realm="eddy"',
      'Basic realm="eddy-admin", charset="UTF-8"',
    ]);
  });

  test('the OpenAPI document declares bearer auth and applies it to exactly the protected operations', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: 'An API key from EDDY_API_KEYS',
    });
    const ops = Object.values(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
      (p) => Object.values(p),
    );
    const open = ops.filter((o) => !o.security).map((o) => o.operationId);
    assert.deepEqual(open.sort(), ['healthz', 'metrics', 'readyz']);
    const firehose = ops.find((o) => o.operationId === 'deliverFirehoseRecords')!;
    assert.deepEqual(firehose.security, [{ firehoseAccessKey: [] }]);
    for (const op of ops.filter((o) => o.security && o !== firehose)) {
      assert.deepEqual(op.security, [{ bearerAuth: [] }]);
      const responses = op.responses as Record<string, unknown>;
      assert.ok(responses['401'] && responses['403'] && responses['429'], String(op.operationId));
    }
  });

  test('keys never reach the logs', () => {
    const all = logLines.join('');
    assert.ok(all.includes('incoming request'), 'requests were logged at trace level');
    for (const key of Object.values(KEYS)) assert.ok(!all.includes(key), 'a key was logged');
    assert.ok(!all.includes(Buffer.from(`ops:${KEYS.admin}`).toString('base64')), 'basic credentials logged');
    assert.match(all, /"keyId":"key-1"/, 'the principal is logged by its non-secret id');
  });
});
