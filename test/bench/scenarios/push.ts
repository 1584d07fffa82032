/**
 * Push ingestion: 200,000 records over 10,000 entities (20 readings each, 10 s apart) in 20 requests of 10,000,
 * sent by autocannon over 4 connections; the rate is records / (time from the first request to the first status
 * poll that counts all of them). Absolute target: 100,000 records/s. Measured on fresh processes and key
 * prefixes: three times with an API process and a worker process (the figure is the median run: one run lasts
 * about a second, so a single stall of a shared VM would otherwise decide it), and once with both in one process
 * (notes).
 */

import { seededRandom } from '../../../src/core/seeded-random.js';
import { bodies, ingestView, reading, sensorId } from '../data.js';
import { startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { processCpuSeconds, redisServersCpu } from '../lib/cpu.js';
import { call, processed, waitCounted } from '../lib/http.js';
import { runLoad } from '../lib/load.js';
import { type Figure, judge } from '../lib/report.js';

const VIEW = 'bench_push';
const ENTITIES = 10_000;
const PER_ENTITY = 20;
const CONNECTIONS = 4;
/** Runs of the judged layout; the figure is their median. */
const SPLIT_RUNS = 3;

/** Request k holds every entity's k-th reading (entities in shuffled order). */
export function pushRecords(entities: number, perEntity: number, endMs: number, seed: number) {
  const random = seededRandom(seed);
  const ids = Array.from({ length: entities }, (_, i) => sensorId(i));
  const records = [];
  for (let k = 0; k < perEntity; k++) {
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const ts = endMs - (perEntity - k) * 10_000;
    for (const id of ids) records.push(reading(id, ts + Math.floor(random() * 1000), random));
  }
  return records;
}

export type Layout = 'api + worker' | 'all';

/** What one push run sends: the view, a warm-up for another view, and the measured requests. */
export interface PushWorkload {
  view: (name: string) => object;
  warmBodies: string[];
  bodies: string[];
  /** Events the measured requests carry (the view counts events; a transformed record carries several). */
  events: number;
  label: string;
}

/** The plain workload: 200,000 flat records, one event each, 10,000 per request. */
export function flatWorkload(): PushWorkload {
  return {
    view: (name) => ingestView(name),
    warmBodies: bodies(pushRecords(2_000, 5, Date.now(), 7)),
    bodies: bodies(pushRecords(ENTITIES, PER_ENTITY, Date.now(), 42)),
    events: ENTITIES * PER_ENTITY,
    label: `${(ENTITIES * PER_ENTITY).toLocaleString('en-US')} records, ${ENTITIES.toLocaleString('en-US')} entities`,
  };
}

export interface PushRun {
  rate: number;
  notes: string;
  /** CPU seconds each Redis server (ctx.redisServers, in order) used while the run was measured. */
  redisCpu: number[];
  seconds: number;
}

/**
 * One run on a fresh key prefix. `api + worker`: the scale-out layout (`npm run start:api` and `npm run
 * start:worker`, as docker/compose.yml runs them): one process answers the pushes, `ctx.workers` others (1 unless
 * `--workers N`) apply them. `all`: both in one process (`npm start`).
 */
export async function runPush(
  ctx: BenchContext,
  layout: Layout,
  run: number,
  workload: PushWorkload,
  tag = 'push',
): Promise<PushRun> {
  const prefix = `${ctx.keyPrefix}-${tag}-${layout === 'all' ? 'all' : 'split'}-${run}`;
  const profile = ctx.cpuProfileDir ? { cpuProfileDir: ctx.cpuProfileDir } : {};
  const processes =
    layout === 'all'
      ? [await startEddy(ctx.redisUrl, { env: eddyEnv(ctx, prefix), ...profile })]
      : [
          await startEddy(ctx.redisUrl, { role: 'api', env: eddyEnv(ctx, prefix), ...profile }),
          ...(await Promise.all(
            Array.from({ length: ctx.workers }, () =>
              startEddy(ctx.redisUrl, { role: 'worker', env: eddyEnv(ctx, prefix), ...profile }),
            ),
          )),
        ];
  const eddy = processes[0]!;
  const redisCpu = redisServersCpu(ctx.redisServers);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  try {
    await call('POST', `${eddy.url}/v1/feature-views`, workload.view(VIEW));
    // Warm-up on another view (JIT, connections, scripts loaded), so the measured view starts empty.
    await call('POST', `${eddy.url}/v1/feature-views`, workload.view(`${VIEW}_warm`));
    for (const body of workload.warmBodies) {
      await call('POST', `${eddy.url}/v1/feature-views/${VIEW}_warm/records?wait=true`, body);
    }

    const payload = workload.bodies;
    ctx.log(
      `${tag} (${layout}, run ${run}): ${workload.label}, ${payload.length} requests, ${CONNECTIONS} connections`,
    );
    const eddyCpu = () => processes.reduce((sum, p) => sum + processCpuSeconds(p.pid), 0);
    const cpuBefore = { eddy: eddyCpu(), redis: await redisCpu.read() };
    const load = runLoad({
      method: 'POST',
      url: `${eddy.url}/v1/feature-views/${VIEW}/records`,
      connections: CONNECTIONS,
      durationS: 120,
      maxRequests: payload.length,
      bodies: payload,
      timeoutS: 60,
    });
    const done = waitCounted(eddy.url, VIEW, workload.events, 180_000, 10);
    const [sent, counted] = await Promise.all([load, done]);
    const redisAfter = await redisCpu.read();
    const byServer = redisAfter.map((c, i) => c - cpuBefore.redis[i]!);
    const cpu = { eddy: eddyCpu() - cpuBefore.eddy, redis: sum(byServer) };
    const endEpoch = Date.now() - (performance.now() - counted.at);
    const seconds = (endEpoch - sent.startedAtMs) / 1000;
    const rate = workload.events / seconds;
    const sendRate = workload.events / sent.elapsedS;
    const pct = (s: number) => `${Math.round((100 * s) / seconds)}%`;
    const workers = layout === 'all' ? '' : ` (${ctx.workers} worker process${ctx.workers > 1 ? 'es' : ''})`;
    return {
      rate,
      redisCpu: byServer,
      seconds,
      notes: `${layout}${workers}: ${seconds.toFixed(2)} s from the first request to all counted (${JSON.stringify(counted.counts)}); requests answered at ${Math.round(sendRate).toLocaleString('en-US')} events/s, p99 ${sent.p99Ms.toFixed(0)} ms; ${processed(counted.counts)} counted; CPU of one core meanwhile: Eddy ${pct(cpu.eddy)}, Redis ${pct(cpu.redis)}`,
    };
  } finally {
    redisCpu.stop();
    for (const p of processes) await p.stop();
  }
}

export const workerProcesses = (n: number) => (n === 1 ? 'worker process' : `${n} worker processes`);

/**
 * The figure is the scale-out layout (one API process, one worker process: on 2 cores a single Node process
 * leaves a core idle); the single-process rate of `npm start` is in the notes.
 */
export async function pushScenario(ctx: BenchContext): Promise<Figure[]> {
  const workload = flatWorkload();
  const splits: PushRun[] = [];
  for (let run = 1; run <= SPLIT_RUNS; run++) splits.push(await runPush(ctx, 'api + worker', run, workload));
  const single = await runPush(ctx, 'all', 1, workload);
  const byRate = [...splits].sort((a, b) => a.rate - b.rate);
  const split = byRate[Math.floor(byRate.length / 2)]!;
  const rates = splits.map((r) => Math.round(r.rate).toLocaleString('en-US')).join(', ');
  return [
    judge({
      scenario: `ingest via push, ${(ENTITIES * PER_ENTITY).toLocaleString('en-US')} records, ${ENTITIES.toLocaleString('en-US')} entities, API + ${workerProcesses(ctx.workers)}`,
      figure: 'records/s into online state',
      value: split.rate,
      unit: 'rec/s',
      baseline: null,
      target: { op: '>=', limit: 100_000 },
      notes: `median of ${SPLIT_RUNS} runs (${rates} rec/s, in the order run); the median run, ${split.notes}. For comparison, ${single.notes}: ${Math.round(single.rate).toLocaleString('en-US')} rec/s`,
    }),
  ];
}
