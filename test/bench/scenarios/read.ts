/**
 * Online reads.
 * - Single entity: GET /v1/feature-views/{view}/entities/{id} (10 features over 1h and 1d windows; the sensor has a
 *   reading every 10 s for a day) against the baseline route (one HGETALL of a hash holding the same 10 values),
 *   both at 50 connections, measured alternately (baseline, Eddy, baseline, Eddy) so drifting machine load hits
 *   both alike.
 * - Batch: POST /v1/online-features with 100 entities (each a reading per minute for a day: the same 1,440 tiles
 *   per entity as the single sensor, which is what sets the read cost), against the same route with 1 entity,
 *   each from one client sending requests back to back.
 * The notes give each server's CPU time per request and Redis's, which say where the ceiling is.
 */
import { Redis } from 'ioredis';
import { bodies, readView, sensorId, series } from '../data.js';
import { startBaseline, startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { measureCpu } from '../lib/cpu.js';
import { call } from '../lib/http.js';
import { type LoadResult, type LoadSpec, runLoad } from '../lib/load.js';
import { type Figure, judge } from '../lib/report.js';
import { median } from '../lib/stats.js';

const VIEW = 'bench_read';
const CONNECTIONS = 50;
/** Batch vs single latency: one client, back to back (at 50 connections both would only measure queueing). */
const BATCH_CONNECTIONS = 1;
const BATCH = 100;
const DAY = 86_400_000;

interface Measured extends LoadResult {
  /** CPU per request: the server process, and Redis (microseconds). */
  serverUs: number;
  redisUs: number;
}

/**
 * Alternates the two loads `rounds` times after one warm-up each; returns every measured round with the CPU each
 * server (pids `pa`, `pb`) and Redis spent per request.
 */
async function alternate(
  a: LoadSpec & { pid: number },
  b: LoadSpec & { pid: number },
  rounds: number,
  warmS: number,
  redis: Redis,
): Promise<[Measured[], Measured[]]> {
  const measured = async ({ pid, ...spec }: LoadSpec & { pid: number }): Promise<Measured> => {
    const { result, cpu } = await measureCpu({ server: pid }, redis, () => runLoad(spec));
    const per = (s: number) => (s / Math.max(1, result.requests)) * 1e6;
    return { ...result, serverUs: per(cpu.server!), redisUs: per(cpu.redis!) };
  };
  await runLoad({ ...a, durationS: warmS });
  await runLoad({ ...b, durationS: warmS });
  const ra: Measured[] = [];
  const rb: Measured[] = [];
  for (let i = 0; i < rounds; i++) {
    ra.push(await measured(a));
    rb.push(await measured(b));
  }
  return [ra, rb];
}

const summary = (runs: Measured[]) => ({
  rps: median(runs.map((r) => r.rps)),
  p50Ms: median(runs.map((r) => r.p50Ms)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  serverUs: median(runs.map((r) => r.serverUs)),
  redisUs: median(runs.map((r) => r.redisUs)),
  requests: runs.reduce((n, r) => n + r.requests, 0),
});

export async function readScenarios(ctx: BenchContext): Promise<Figure[]> {
  // Four short rounds rather than two long ones, in the same time: the median of four is not moved by one round
  // that a burst of other work on the machine disturbed.
  const durationS = ctx.quick ? 4 : 6;
  const rounds = ctx.quick ? 1 : 4;
  const warmS = ctx.quick ? 2 : 4;
  const maxRequests = 5_000_000;

  const eddy = await startEddy(ctx.redisUrl, {
    env: eddyEnv(ctx),
    ...(ctx.cpuProfileDir && { cpuProfileDir: ctx.cpuProfileDir }),
  });
  const baseline = await startBaseline(ctx.redisUrl, { env: {} });
  const redis = new Redis(ctx.redisUrl);
  try {
    // Fill: one sensor every 10 s for a day; 100 sensors every minute for a day.
    await call('POST', `${eddy.url}/v1/feature-views`, readView(VIEW));
    const end = Date.now();
    const single = sensorId(0);
    ctx.log(`read: filling ${single} (8,640 readings) and ${BATCH} sensors (1,440 readings each)`);
    for (const body of bodies(series(single, end, DAY, 10_000, 1))) {
      await call('POST', `${eddy.url}/v1/feature-views/${VIEW}/records?wait=true`, body);
    }
    const batchIds = Array.from({ length: BATCH }, (_, i) => sensorId(i + 1));
    const batchRecords = batchIds.flatMap((id, i) => series(id, end, DAY, 60_000, 100 + i));
    for (const body of bodies(batchRecords)) {
      await call('POST', `${eddy.url}/v1/feature-views/${VIEW}/records?wait=true`, body);
    }

    // The baseline hash holds the very values Eddy serves, so both responses carry the same numbers.
    const current = await call<{ values: Record<string, number | null> }>(
      'GET',
      `${eddy.url}/v1/feature-views/${VIEW}/entities/${single}`,
    );
    const baselineKey = `baseline:{${VIEW}}:${single}`;
    await redis.hset(
      baselineKey,
      Object.fromEntries(Object.entries(current.values).map(([k, v]) => [k, String(v)])),
    );

    const common = { method: 'GET' as const, connections: CONNECTIONS, durationS, maxRequests };
    ctx.log(
      `read: single entity, ${CONNECTIONS} connections, ${rounds}×${durationS} s each (Eddy, baseline)`,
    );
    const [eddyRuns, baseRuns] = await alternate(
      { ...common, url: `${eddy.url}/v1/feature-views/${VIEW}/entities/${single}`, pid: eddy.pid },
      { ...common, url: `${baseline.url}/baseline/${encodeURIComponent(baselineKey)}`, pid: baseline.pid },
      rounds,
      warmS,
      redis,
    );
    const e = summary(eddyRuns);
    const b = summary(baseRuns);

    const post = (entities: string[]): LoadSpec & { pid: number } => ({
      pid: eddy.pid,
      method: 'POST',
      url: `${eddy.url}/v1/online-features`,
      connections: BATCH_CONNECTIONS,
      durationS,
      maxRequests,
      body: JSON.stringify({ featureView: VIEW, entities }),
    });
    ctx.log(
      `read: batch of ${BATCH} vs 1 entity, POST /v1/online-features, ${BATCH_CONNECTIONS} connection(s)`,
    );
    const [batchRuns, oneRuns] = await alternate(post(batchIds), post([batchIds[0]!]), rounds, warmS, redis);
    const bt = summary(batchRuns);
    const one = summary(oneRuns);

    return [
      judge({
        scenario: 'online read, 1 entity, 10 features (1h, 1d), 50 conn',
        figure: 'requests/s',
        value: e.rps,
        unit: 'req/s',
        baseline: { label: 'Fastify + one HGETALL', value: b.rps },
        target: { op: '>=', limit: 0.8 },
        notes: `medians of ${rounds} rounds of ${durationS} s; Eddy p50 ${e.p50Ms.toFixed(2)} ms, baseline p50 ${b.p50Ms.toFixed(2)} ms; ${e.requests} + ${b.requests} requests; CPU per request: Eddy ${Math.round(e.serverUs)} µs + Redis ${Math.round(e.redisUs)} µs, baseline ${Math.round(b.serverUs)} µs + Redis ${Math.round(b.redisUs)} µs`,
      }),
      judge({
        scenario: 'online read, 1 entity, 10 features (1h, 1d), 50 conn',
        figure: 'p99 latency',
        value: e.p99Ms,
        unit: 'ms',
        baseline: { label: 'Fastify + one HGETALL', value: b.p99Ms },
        target: { op: '<=', limit: 2 },
      }),
      judge({
        scenario: `batch read, ${BATCH} entities, 1 client, back to back`,
        figure: 'p99 latency',
        value: bt.p99Ms,
        unit: 'ms',
        baseline: { label: '1 entity, same route', value: one.p99Ms },
        target: { op: '<=', limit: 5 },
        notes: `batch ${fmtRps(bt.rps)} req/s (${fmtRps(bt.rps * BATCH)} entities/s), p50 ${bt.p50Ms.toFixed(2)} ms; 1 entity ${fmtRps(one.rps)} req/s, p50 ${one.p50Ms.toFixed(2)} ms; Eddy CPU per request ${Math.round(bt.serverUs)} µs (batch) vs ${Math.round(one.serverUs)} µs (1 entity)`,
      }),
    ];
  } finally {
    redis.disconnect();
    await baseline.stop();
    await eddy.stop();
  }
}

const fmtRps = (n: number) => Math.round(n).toLocaleString('en-US');
