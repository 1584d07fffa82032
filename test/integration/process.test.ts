/**
 * The process entry (src/main.ts) as a real child process: the production guard on API keys, and a worker
 * process serving its operations endpoints when PORT is set.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/runtime/redis-server.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(role: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

test('with NODE_ENV=production and no EDDY_API_KEYS the API refuses to start, naming the variable', async () => {
  for (const role of ['api', 'all']) {
    const p = run(role, { NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:1' });
    const code = await p.exited;
    assert.notEqual(code, 0);
    assert.match(p.output(), /EDDY_API_KEYS: is required when NODE_ENV=production/);
  }
});

test('a worker with PORT set serves /healthz, /readyz and /metrics only, and stops cleanly on SIGTERM', async (t) => {
  const redis = await privateRedis();
  const port = await freePort();
  const p = run('worker', {
    NODE_ENV: 'production', // a worker needs no API keys: it serves no API
    REDIS_URL: redis.url,
    PORT: String(port),
    EDDY_KEY_PREFIX: uniquePrefix('proc'),
    LOG_LEVEL: 'info',
  });
  t.after(() => p.child.kill('SIGKILL'));
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.status);
  const deadline = Date.now() + 30_000;
  while ((await get('/healthz').catch(() => 0)) !== 200) {
    assert.ok(Date.now() < deadline, `worker did not start: ${p.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await get('/readyz'), 200);
  assert.equal(await get('/metrics'), 200);
  assert.equal(await get('/v1/feature-views'), 404);
  assert.equal(await get('/docs/json'), 404);
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0, p.output().slice(-2000));
  assert.match(p.output(), /operations endpoints listening/);
});
