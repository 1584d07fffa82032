/**
 * Runs one bounded load in a child process (lib/load-child.ts: autocannon, or paced-load.ts at a fixed rate) and
 * returns its summary.
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
  /** Requests per second over all connections, evenly spaced in an open loop (lib/paced-load.ts; default: as
   * fast as the server answers, closed loop, autocannon). */
  overallRate?: number;
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

const CHILD = new URL('./load-child.ts', import.meta.url).pathname;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-load-'));
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
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
    // A hard bound on top of autocannon's own: the child is killed if it outlives its duration by a minute.
    const guard = setTimeout(() => child.kill('SIGKILL'), (spec.durationS + 60) * 1000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(guard);
    if (code !== 0) throw new Error(`load generator failed (${code}): ${err.trim().slice(0, 500)}`);
    const result = JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(`load against ${spec.url} had ${result.errors} errors and ${result.non2xx} non-2xx`);
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
