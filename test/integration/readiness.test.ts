/**
 * /healthz and /readyz against a private Redis this test stops and starts again on the same port: readiness
 * fails while Redis is down (liveness does not) and recovers when it returns. Also the probes of a worker
 * process (its workers, the lag bound, probes components add), and the operations-only surface it serves.
 *
 * The Redis that is stopped serves an API-only runtime: BullMQ workers whose Redis restarted under them can take
 * their whole drain time to close (a blocking command re-sent after the reconnect), which the bounded shutdown
 * absorbs in a process but would only slow this test down.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildEddyApp, type EddyRuntime, startRuntime } from '../../src/assemble.js';
import { parseConfig } from '../../src/config.js';
import type { App } from '../../src/http/app.js';
import { createLogger } from '../../src/runtime/logger.js';
import { type PrivateRedis, startPrivateRedis } from '../../src/runtime/redis-server.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

/** A Redis of this test's own, stopped and restarted; an API-only runtime on it. */
let flaky: PrivateRedis;
let apiRuntime: EddyRuntime;
let apiApp: App;
/** API and workers on the test file's Redis (never stopped). */
let runtime: EddyRuntime;
let app: App;

async function start(url: string, roles: { api: boolean; worker: boolean }) {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    EDDY_KEY_PREFIX: uniquePrefix('ready'),
    REDIS_URL: url,
    EDDY_READY_MAX_LAG_MS: '1000',
  });
  const rt = await startRuntime(config, url, createLogger(config), roles);
  const built = await buildEddyApp(rt.deps);
  await built.ready();
  return { rt, built };
}

before(async () => {
  flaky = await startPrivateRedis();
  ({ rt: apiRuntime, built: apiApp } = await start(flaky.url, { api: true, worker: false }));
  ({ rt: runtime, built: app } = await start((await privateRedis()).url, { api: true, worker: true }));
});
after(async () => {
  for (const [a, rt] of [
    [apiApp, apiRuntime],
    [app, runtime],
  ] as const) {
    await a.close();
    await rt.close();
  }
  await flaky.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('ready with every probe ok', async () => {
  const res = await app.inject({ url: '/readyz' });
  assert.equal(res.statusCode, 200, res.body);
  const { status, checks } = res.json();
  assert.equal(status, 'ok');
  // These three always; components (Kinesis readers, the SageMaker sink) add their own probes.
  for (const probe of ['redis', 'push-lanes', 'lag']) assert.equal(checks[probe], 'ok', probe);
  for (const [probe, state] of Object.entries(checks)) assert.equal(state, 'ok', probe);
});

test('readiness fails while Redis is down, liveness does not; both recover when it returns', async () => {
  const app = apiApp;
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  const port = flaky.port;
  await flaky.stop();
  const down = await until(
    'readyz to fail',
    async () => {
      const res = await app.inject({ url: '/readyz' });
      return res.statusCode === 503 ? res : undefined;
    },
    10_000,
  );
  assert.match(String(down.headers['content-type']), /^application\/problem\+json/);
  assert.equal(down.json().code, 'UNAVAILABLE');
  assert.equal(down.json().checks.redis, 'unreachable');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const metrics = (await app.inject({ url: '/metrics' })).body;
  assert.match(metrics, /^eddy_redis_errors_total\{connection="request"\} [1-9]\d*$/m);

  flaky = await startPrivateRedis(port);
  const up = await until(
    'readyz to recover',
    async () => {
      const res = await app.inject({ url: '/readyz' });
      return res.statusCode === 200 ? res : undefined;
    },
    20_000,
  );
  assert.equal(up.json().checks.redis, 'ok');
});

test('readiness fails while a shard is further behind than EDDY_READY_MAX_LAG_MS', async () => {
  const metrics = runtime.worker!.metrics;
  metrics.setMillisBehindLatest('s', 'shardId-0', 1000);
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  metrics.setMillisBehindLatest('s', 'shardId-1', 5000);
  const res = await app.inject({ url: '/readyz' });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().checks.lag, 'lag 5000 ms is above 1000 ms');
  metrics.forgetShard('s', 'shardId-1');
  metrics.forgetShard('s', 'shardId-0');
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
});

test('a component registers its own probe', async () => {
  let running = false;
  runtime.deps.readiness.register('kinesis-readers', () =>
    running ? { ok: true } : { ok: false, reason: 'not started' },
  );
  const res = await app.inject({ url: '/readyz' });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().checks['kinesis-readers'], 'not started');
  running = true;
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
});

test('the operations surface of a worker process serves only health, readiness and metrics', async () => {
  const ops = await buildEddyApp(runtime.deps, { surface: 'operations' });
  try {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await ops.inject({ url })).statusCode, 200, url);
    }
    for (const url of ['/v1/feature-views', '/docs/json', '/admin/queues']) {
      assert.equal((await ops.inject({ url })).statusCode, 404, url);
    }
  } finally {
    await ops.close();
  }
});
