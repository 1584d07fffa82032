/**
 * Redis killed (SIGKILL) and restarted mid-stream, under pushes: Eddy reconnects by itself and, once Redis is
 * back, every record a client pushed (retrying what failed, as producers do, with the same event ids) is applied
 * exactly once: counts equal the distinct records, and every entity's values equal the brute-force oracle.
 *
 * The Redis here keeps an append-only file synced on every write (`appendfsync always`), as a deployment must
 * for acknowledged writes to survive a crash of Redis itself (docs/operations.md).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { buildEddyApp, type EddyRuntime, startRuntime } from '../../src/assemble.js';
import { parseConfig } from '../../src/config.js';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureViewSpec } from '../../src/core/feature-view.js';
import { resolveView } from '../../src/core/resolve-view.js';
import type { App } from '../../src/http/app.js';
import { freePort, redisAnswersPing } from '../../src/runtime/redis-server.js';
import { agrees, Oracle } from '../helpers/oracle.js';
import { uniquePrefix } from '../helpers/redis.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const ENTITIES = 12;
const RECORDS_PER_PUSH = 60;

const VIEW = {
  name: 'restart',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '1m',
  eventIdField: 'rid',
  features: [
    { name: 'n', agg: 'count', window: '1d' },
    { name: 'total', agg: 'sum', field: 'x', window: '1d' },
    { name: 'sd_20', agg: 'stddev', field: 'x', events: 20 },
    { name: 'latest', agg: 'last', field: 'x' },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'eddy-redis-restart-'));
let redis: ChildProcess | null = null;
let runtime: EddyRuntime | null = null;
let app: App | null = null;
after(async () => {
  await app?.close();
  await runtime?.close();
  redis?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A redis-server on `port` whose every acknowledged write is on disk (its AOF in `dir`) before it redisAnswersPing. */
async function startDurableRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      ...['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'],
    ],
    { stdio: 'ignore' },
  );
  child.unref();
  await until(
    'redis-server to answer',
    async () => ((await redisAnswersPing(url(port))) ? true : undefined),
    10_000,
  );
  return child;
}
const url = (port: number) => `redis://127.0.0.1:${port}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('Redis killed and restarted mid-stream: every pushed record is applied exactly once', async () => {
  const port = await freePort();
  redis = await startDurableRedis(port);
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    EDDY_KEY_PREFIX: uniquePrefix('restart'),
    REDIS_URL: url(port),
  });
  runtime = await startRuntime(config, url(port), pino({ level: 'silent' }), { api: true, worker: true });
  app = await buildEddyApp(runtime.deps);
  await app.ready();
  const eddy = app;
  const created = await eddy.inject({ method: 'POST', url: '/v1/feature-views', payload: VIEW });
  assert.equal(created.statusCode, 201, created.body);

  // One producer, pushes in order; a push that fails is sent again, unchanged, until it is accepted.
  const sent = new Map<string, EngineEvent[]>();
  let seq = 0;
  let failures = 0;
  let pushes = 0;
  /** The longest a push took, retries included (ms). */
  let slowest = 0;
  const pushOnce = async () => {
    const records = Array.from({ length: RECORDS_PER_PUSH }, () => {
      const n = seq++;
      return { id: `e${n % ENTITIES}`, ts: T0 + n * 1000, x: ((n * 7919) % 1000) / 10, rid: `r${n}` };
    });
    const started = Date.now();
    for (;;) {
      const res = await eddy
        .inject({ method: 'POST', url: '/v1/feature-views/restart/records', payload: { records } })
        .catch(() => null);
      if (res?.statusCode === 202) break;
      failures++;
      await new Promise((r) => setTimeout(r, 100));
    }
    pushes++;
    slowest = Math.max(slowest, Date.now() - started);
    for (const r of records) {
      const list = sent.get(r.id) ?? [];
      list.push({ t: r.ts, id: r.rid, values: { x: r.x } });
      sent.set(r.id, list);
    }
  };

  let stop = false;
  const pushing = (async () => {
    while (!stop) {
      await pushOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await until('the producer to be mid-stream', async () => (pushes >= 20 ? true : undefined), 20_000);
  redis.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 1500));
  redis = await startDurableRedis(port);
  const resumedAt = pushes;
  await until(
    'pushes to go on after the restart',
    async () => (pushes >= resumedAt + 20 ? true : undefined),
    60_000,
  );
  stop = true;
  await pushing;
  // The outage hit the producer: a push failed, or one waited for Redis to come back.
  assert.ok(failures > 0 || slowest >= 1000, `pushes: ${failures} failed, the slowest took ${slowest} ms`);

  const total = seq;
  const status = await until(
    'every record to be counted',
    async () => {
      const res = await eddy.inject({ url: '/v1/feature-views/restart/status' });
      const c = res.json().counts;
      return c.accepted === total ? c : undefined;
    },
    60_000,
  );
  assert.equal(status.rejected, 0);
  assert.equal(status.late, 0);

  const view = compileView(resolveView(VIEW as FeatureViewSpec, 1, new Date(T0)));
  const entities = [...sent.keys()].sort();
  const read = await eddy.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: 'restart', entities, asOf: 'latest' },
  });
  assert.equal(read.statusCode, 200, read.body);
  for (const [i, result] of (
    read.json().results as { entity: string; values: Record<string, number | null> }[]
  ).entries()) {
    const events = sent.get(entities[i]!)!;
    const oracle = new Oracle(view);
    oracle.apply(events);
    const asOf = oracle.watermarkMs!;
    assert.equal(result.values.n, events.length, `${result.entity}: every record applied exactly once`);
    for (const f of view.features) {
      const expected = oracle.value(f, asOf, 'exact');
      assert.ok(
        agrees(f.agg, result.values[f.name] ?? null, expected, oracle.window(f, asOf, 'exact')),
        `${result.entity} ${f.name}: ${result.values[f.name]} vs oracle ${expected}`,
      );
    }
  }
});
