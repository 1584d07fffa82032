/**
 * Graceful shutdown of the real process (`node --import tsx src/main.ts all`) under load: SIGTERM while
 * clients push records; the process exits 0 within 10 s. After a restart, once everything is applied, no record
 * the server accepted is lost or applied twice: status counts add up to the records accepted, and every entity's
 * values equal the brute-force oracle fed with exactly those records.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureViewSpec } from '../../src/core/feature-view.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { freePort } from '../../src/runtime/redis-server.js';
import { agrees, Oracle } from '../helpers/oracle.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.parse('2026-02-01T00:00:00Z');
/** Clients pushing at once; the last one asks for `?wait=true` (its requests hold until applied). */
const CLIENTS = 5;
const ENTITIES_PER_CLIENT = 8;
const RECORDS_PER_REQUEST = 250;

const VIEW = {
  name: 'load',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '1m',
  eventIdField: 'rid',
  features: [
    { name: 'n', agg: 'count', window: '1d' },
    { name: 'total', agg: 'sum', field: 'x', window: '1d' },
    { name: 'mean', agg: 'avg', field: 'x', window: '1d' },
    { name: 'top', agg: 'max', field: 'x', window: '1d' },
    { name: 'sd_50', agg: 'stddev', field: 'x', events: 50 },
    { name: 'latest', agg: 'last', field: 'x' },
  ],
};

interface Proc {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}
const procs: Proc[] = [];
after(() => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

function startEddyProcess(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { child, output, exited };
  procs.push(proc);
  return proc;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies of several routes, read field by field
type Reply = { status: number; body: any };

function request(port: number, method: string, path: string, body?: unknown) {
  return new Promise<Reply>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false, // one connection per request: a request is either refused or answered
        headers: data
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const healthy = (port: number) =>
  until(
    'the process to answer /healthz',
    async () => ((await request(port, 'GET', '/healthz')).status === 200 ? true : undefined),
    30_000,
  );

test('SIGTERM under load: exits within 10 s; after a restart nothing is lost or applied twice', async () => {
  const redis = await privateRedis();
  const port = await freePort();
  const env = {
    REDIS_URL: redis.url,
    PORT: String(port),
    EDDY_KEY_PREFIX: uniquePrefix('sigterm'),
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };

  const first = startEddyProcess(env);
  await healthy(port);
  const created = await request(port, 'POST', '/v1/feature-views', VIEW);
  assert.equal(created.status, 201, JSON.stringify(created.body));

  // Each client owns its entities and sends its requests one after another, so the order of each entity's
  // records is known: the order the client sent them in.
  const accepted = new Map<string, EngineEvent[]>();
  let acceptedTotal = 0;
  let refused = 0;
  let stop = false;
  const client = async (c: number) => {
    const wait = c === CLIENTS - 1;
    let seq = 0;
    while (!stop) {
      const records = Array.from({ length: RECORDS_PER_REQUEST }, () => {
        const n = seq++;
        const id = `c${c}-e${n % ENTITIES_PER_CLIENT}`;
        return { id, ts: T0 + n * 1000, x: ((n * 7919 + c * 31) % 1000) / 10, rid: `c${c}-r${n}` };
      });
      let res: Reply;
      try {
        res = await request(port, 'POST', `/v1/feature-views/load/records${wait ? '?wait=true' : ''}`, {
          records,
        });
      } catch {
        refused++;
        return; // refused or reset: the server is gone, so it did not take this request
      }
      if (res.status !== (wait ? 200 : 202)) {
        refused++;
        assert.equal(res.status, 503, JSON.stringify(res.body)); // closing: not taken either
        return;
      }
      assert.equal(res.body.accepted, records.length);
      if (wait) assert.equal(res.body.applied.accepted, records.length);
      acceptedTotal += records.length;
      for (const r of records) {
        const list = accepted.get(r.id) ?? [];
        list.push({ t: r.ts, id: r.rid, values: { x: r.x } });
        accepted.set(r.id, list);
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));

  await until('load to build up', async () => (acceptedTotal >= 20_000 ? true : undefined), 30_000);
  const signalled = Date.now();
  first.child.kill('SIGTERM');
  const code = await first.exited;
  const tookMs = Date.now() - signalled;
  stop = true;
  await Promise.all(clients);
  const log = first.output.join('');
  assert.equal(code, 0, log.slice(-3000));
  assert.ok(tookMs < 10_000, `exited after ${tookMs} ms`);
  for (const phase of ['intake', 'drain', 'flush', 'release', 'disconnect']) {
    assert.match(log, new RegExp(`"phase":"${phase}".*"msg":"shutdown phase done"`), phase);
  }
  assert.ok(refused >= 1, 'the clients were still pushing when the server went away');
  assert.match(log, /EDDY_API_KEYS is not set: every route is open/, 'open mode is announced at start');

  // Restart; everything queued before the shutdown is applied by the new process.
  const second = startEddyProcess(env);
  await healthy(port);
  const status = await until(
    'every accepted record to be counted',
    async () => {
      const res = await request(port, 'GET', '/v1/feature-views/load/status');
      const c = res.body.counts;
      return c.accepted + c.late + c.duplicate >= acceptedTotal ? res.body : undefined;
    },
    30_000,
  );
  assert.deepEqual(status.counts, {
    accepted: acceptedTotal,
    rejected: 0,
    late: 0,
    duplicate: 0,
    filtered: 0,
  });

  const view = compileView(resolveView(VIEW as FeatureViewSpec, 1, new Date(T0)));
  const entities = [...accepted.keys()].sort();
  assert.equal(entities.length, CLIENTS * ENTITIES_PER_CLIENT);
  const read = await request(port, 'POST', '/v1/online-features', {
    featureView: 'load',
    entities,
    asOf: 'latest',
  });
  assert.equal(read.status, 200);
  for (const [i, result] of (
    read.body.results as { entity: string; values: Record<string, number | null> }[]
  ).entries()) {
    const oracle = new Oracle(view);
    const events = accepted.get(entities[i]!)!;
    oracle.apply(events);
    const asOf = oracle.watermarkMs!;
    assert.equal(
      result.values.n,
      events.length,
      `${result.entity}: every accepted record applied exactly once`,
    );
    for (const f of view.features) {
      const expected = oracle.value(f, asOf, 'exact');
      assert.ok(
        agrees(f.agg, result.values[f.name] ?? null, expected, oracle.window(f, asOf, 'exact')),
        `${result.entity} ${f.name}: ${result.values[f.name]} vs oracle ${expected}`,
      );
    }
  }

  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});

test('SIGTERM to `npm start`: the signal reaches node, which shuts down in phases, and the whole tree exits', async () => {
  const redis = await privateRedis();
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      PORT: String(port),
      EDDY_KEY_PREFIX: uniquePrefix('npmstart'),
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  npm.stdout!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  npm.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  procs.push({ child: npm, output, exited });
  await healthy(port);
  const tree = descendants(npm.pid!);
  assert.ok(tree.length > 0, 'npm started the service as a child process');

  npm.kill('SIGTERM');
  const code = await exited;
  const log = output.join('');
  assert.match(log, /"phase":"disconnect".*"msg":"shutdown phase done"/, log.slice(-2000));
  assert.equal(code, 0, log.slice(-2000));
  await until(
    'every process npm started to be gone',
    async () => (tree.some(alive) ? undefined : true),
    5_000,
  );
});

/** Every process below `pid` (children, grandchildren, …), from `ps`. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid !== parent) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
