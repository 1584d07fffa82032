/**
 * The load generator, run as its own process (`node --import tsx load-child.ts <job.json>`), so that it never
 * shares an event loop with the server under test. Reads a LoadJob and prints its results as one JSON array.
 * A closed load runs autocannon once (bounded by both `durationS` and `maxRequests`, so it always stops by
 * itself) and records every 2xx response time at full resolution (autocannon's own histogram rounds to whole
 * milliseconds); a paced one runs paced-load.ts.
 */
import { readFileSync } from 'node:fs';
import autocannon, { type RequestSpec } from 'autocannon';
import type { LoadJob, LoadResult } from './load.js';
import { pacedLoad } from './paced-load.js';
import { percentile } from './stats.js';

const LOCAL = /^http:\/\/127\.0\.0\.1:\d+\//;
const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
if (job.kind === 'paced') {
  if (!job.spec.targets.every((t) => LOCAL.test(t.url))) throw new Error('load only goes to 127.0.0.1');
  process.stdout.write(`${JSON.stringify(await pacedLoad(job.spec))}\n`);
  process.exit(0);
}
const spec = job.spec;
if (!LOCAL.test(spec.url)) throw new Error('load only goes to 127.0.0.1');

// Bodies are sent in order, each once (`amount` = their number), however many connections share them.
let next = 0;
const bodies = spec.bodies;
const requests: RequestSpec[] | undefined = bodies
  ? [{ method: spec.method, setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }) }]
  : undefined;

const latencies: number[] = [];
const startedAtMs = Date.now();
const started = process.hrtime.bigint();
const instance = autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationS,
    maxOverallRequests: spec.maxRequests,
    ...(bodies && { amount: bodies.length }),
    timeout: spec.timeoutS ?? 10,
    method: spec.method,
    headers: {
      ...(spec.body !== undefined || bodies ? { 'content-type': 'application/json' } : {}),
      ...spec.headers,
    },
    ...(spec.body !== undefined && { body: spec.body }),
    ...(requests && { requests }),
  },
  (err, result) => {
    if (err) {
      console.error(String(err));
      process.exit(1);
    }
    const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const out: LoadResult = {
      startedAtMs,
      requests: latencies.length,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      elapsedS,
      rps: latencies.length / result.duration,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1] ?? 0,
    };
    process.stdout.write(`${JSON.stringify([out])}\n`);
  },
);
instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
  if (status >= 200 && status < 300) latencies.push(ms);
});
