/**
 * Runs one bounded load in a child process (lib/load-child.ts) and returns its summary: `runLoad` as fast as the
 * server answers (autocannon), `runPaced` at a fixed rate, evenly spaced (lib/paced-load.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadSpec {
  /** Must be on 127.0.0.1. */
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  /** Stops after this long … */
  durationS: number;
  /** … or after this many requests, whichever comes first. */
  maxRequests: number;
  /** One body for every request … */
  body?: string;
  /** … or these bodies, each sent once, in order (the load ends when they are sent; the child is killed if it
   * outlives `durationS` by a minute). */
  bodies?: string[];
  timeoutS?: number;
  /** Headers sent with every request (e.g. a key, or a SigV4 signature made once before the load). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Epoch ms (this machine's clock) just before the first request was sent. */
  startedAtMs: number;
  /** 2xx responses. */
  requests: number;
  errors: number;
  non2xx: number;
  elapsedS: number;
  /** 2xx responses per second. */
  rps: number;
  /** Latencies of 2xx responses, milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Requests sent at a fixed rate, evenly spaced, in turn to each target (request i goes to target i mod n), over
 * one pool of keep-alive connections: targets compared this way see the same moments of a busy machine.
 */
export interface PacedSpec {
  /** Each must be on 127.0.0.1. */
  targets: { url: string; method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }[];
  /** Requests per second over all targets. */
  overallRate: number;
  /** The pool's size (a request waits for a free connection only when every one is busy). */
  connections: number;
  durationS: number;
  timeoutS?: number;
}

/** What the child process is asked to run. */
export type LoadJob = { kind: 'closed'; spec: LoadSpec } | { kind: 'paced'; spec: PacedSpec };

const CHILD = new URL('./load-child.ts', import.meta.url).pathname;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const [result] = await runChild({ kind: 'closed', spec }, spec.durationS);
  checkResult(spec.url, result!);
  return result!;
}

/** One result per target, in the order of `spec.targets`. */
export async function runPaced(spec: PacedSpec): Promise<LoadResult[]> {
  const results = await runChild({ kind: 'paced', spec }, spec.durationS);
  for (const [i, r] of results.entries()) checkResult(spec.targets[i]!.url, r);
  return results;
}

function checkResult(url: string, result: LoadResult) {
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`load against ${url} had ${result.errors} errors and ${result.non2xx} non-2xx`);
  }
}

async function runChild(job: LoadJob, durationS: number): Promise<LoadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-load-'));
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(job));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, specPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    // A hard bound on top of the load's own: the child is killed if it outlives its duration by a minute.
    const guard = setTimeout(() => child.kill('SIGKILL'), (durationS + 60) * 1000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(guard);
    if (code !== 0) throw new Error(`load generator failed (${code}): ${err.trim().slice(0, 500)}`);
    return JSON.parse(out.trim().split('\n').pop()!) as LoadResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
