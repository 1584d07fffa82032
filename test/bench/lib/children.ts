/**
 * Servers under test, each in its own process (`node <flags> --import tsx <entry> ...`), so they never share an
 * event loop with the load generator or with each other. Every server binds 127.0.0.1 on a free port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../../src/runtime/redis-server.js';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * The environment and Node flags `npm start` runs Eddy with (package.json: `exec env [NAME=value …] node [flags]
 * --import tsx …`), given to every server under test, the baseline too, so both sides run on the same runtime settings.
 */
export const SERVER_START: { readonly env: Record<string, string>; readonly flags: readonly string[] } =
  (() => {
    const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
    const parts = start.match(/^exec env ((?:[A-Z_]+=\S+ )*)node ((?:--\S+ )*)--import tsx /);
    if (!parts)
      throw new Error(
        `package.json scripts.start is not 'exec env [NAME=value …] node [flags] --import tsx …': ${start}`,
      );
    const words = (text: string) => text.trim().split(' ').filter(Boolean);
    const env = Object.fromEntries(
      words(parts[1]!).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
    );
    return { env, flags: words(parts[2]!) };
  })();

export interface SpawnOptions {
  /** Extra environment (merged over a quiet default). */
  env: Record<string, string>;
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  cpuProfileDir?: string;
  /** Name of the process in errors. */
  label: string;
  /** Run under the idle scheduling policy (see `spawnNode`). */
  idle?: boolean;
}

/**
 * `node <args>`; with `idle`, under Linux's SCHED_IDLE policy (`chrt --idle 0`, util-linux): its threads run only
 * on a core no other process wants, and any other process that wakes takes the core at once. Set at exec, so every
 * thread V8 and libuv start inherits it (a policy set on a running process reaches one thread only).
 */
function spawnNode(args: string[], idle: boolean | undefined, options: Parameters<typeof spawn>[2]) {
  return idle
    ? spawn('chrt', ['--idle', '0', process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
}

/**
 * Eddy itself: `src/main.ts <role>`; `all` is API + workers in one process, as `npm start` runs it. A
 * `worker` process also serves /healthz on its port.
 */
export function startEddy(
  redisUrl: string,
  options: Omit<SpawnOptions, 'label'> & { role?: 'all' | 'api' | 'worker' },
): Promise<ServerProcess> {
  const role = options.role ?? 'all';
  return startServer(join(ROOT, 'src/main.ts'), [role], redisUrl, {
    ...options,
    label: `eddy ${role}`,
  });
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
  const nodeArgs = [...SERVER_START.flags, '--import', 'tsx'];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child = spawnNode([...nodeArgs, entry, ...args], options.idle, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...SERVER_START.env,
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

/** kinesalite in its own process (test/bench/kinesalite-server.ts); resolves once it listens. */
export async function startKinesalite(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/kinesalite-server.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('kinesalite did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`kinesalite exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = line.match(/^listening (\S+)$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}

/**
 * A process keeping one core busy `share` of the time (test/bench/cpu-load-child.ts), for at most `seconds`;
 * `stop()` ends it sooner.
 */
export function startCpuLoad(share: number, seconds: number): { stop(): void } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/bench/cpu-load-child.ts'), String(share), String(seconds)],
    { cwd: ROOT, stdio: 'ignore' },
  );
  return { stop: () => void child.kill('SIGKILL') };
}

/**
 * Runs a short-lived child (`node --import tsx <entry> ...args`, under the idle policy with `idle`) and returns the
 * last line it prints.
 */
export async function runChild(
  entry: string,
  args: string[],
  timeoutMs: number,
  idle?: boolean,
): Promise<string> {
  const child = spawnNode(['--import', 'tsx', join(ROOT, entry), ...args], idle, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err = (err + d).slice(-2000);
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(guard);
  if (code !== 0) throw new Error(`${entry} failed (${code}): ${err.trim()}`);
  return out.trim().split('\n').pop() ?? '';
}
