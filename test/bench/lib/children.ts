/**
 * Servers under test, each in its own process (`node --import tsx <entry> ...`), so they never share an event
 * loop with the load generator or with each other. Every server binds 127.0.0.1 on a free port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../../src/runtime/redis-server.js';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface SpawnOptions {
  /** Extra environment (merged over a quiet default). */
  env: Record<string, string>;
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  cpuProfileDir?: string;
  /** Name of the process in errors. */
  label: string;
}

/** Eddy itself: `workers/main.ts all` (API + workers in one process, as `npm start` runs it). */
export function startEddy(redisUrl: string, options: Omit<SpawnOptions, 'label'>): Promise<ServerProcess> {
  return startServer(join(ROOT, 'workers/main.ts'), ['all'], redisUrl, { ...options, label: 'eddy' });
}

/** The baseline: a bare Fastify route doing one HGETALL (test/bench/baseline-server.ts). */
export function startBaseline(
  redisUrl: string,
  options: Omit<SpawnOptions, 'label'>,
): Promise<ServerProcess> {
  return startServer(join(ROOT, 'test/bench/baseline-server.ts'), [], redisUrl, {
    ...options,
    label: 'baseline',
  });
}

async function startServer(
  entry: string,
  args: string[],
  redisUrl: string,
  options: SpawnOptions,
): Promise<ServerProcess> {
  const port = await freePort();
  const nodeArgs = ['--import', 'tsx'];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      ...options.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redisUrl,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.label} exited at start: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.label} did not answer within 30 s: ${stderr.trim()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}

/** SIGTERM (the server shuts down in phases and writes its CPU profile), SIGKILL after 15 s. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
