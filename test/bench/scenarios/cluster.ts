/**
 * `--cluster`: Eddy on a local Redis Cluster (3 masters, 3 replicas, started by the runner with the tests' helper)
 * against Eddy on the run's standalone Redis, measured alternately in the same run; every figure is the cluster's
 * rate as a ratio to the standalone's (target ≥ 0.6×: on this machine the six nodes share the cores with Eddy).
 *
 * - Push ingest: the push scenario's workload (200,000 records, 10,000 entities) into one API process and
 *   `--workers N` worker processes; the notes give each cluster master's share of the Redis CPU.
 * - Kinesis ingest: a 4-shard stream drained from TRIM_HORIZON by one API process and N worker processes (the
 *   shards' leases spread over the workers), from registering the view to all records counted.
 * - Online reads: GET of one entity (10 features, a reading every 10 s for a day) at 50 connections, and POST
 *   /v1/online-features with 100 entities from 4 connections (on a cluster the batch is split by slot group).
 */
import { createKinesisClient } from '../../../src/adapters/kinesis/client.js';
import { ensureStream, produce } from '../../../src/adapters/kinesis/producer.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { bodies, ingestView, reading, readView, sensorId, series } from '../data.js';
import { type ServerProcess, startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { redisServersCpu } from '../lib/cpu.js';
import { call, waitCounted } from '../lib/http.js';
import { type LoadResult, runLoad } from '../lib/load.js';
import { type Figure, judge } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { flatWorkload, type PushRun, runPush, workerProcesses } from './push.js';

const TARGET = { op: '>=' as const, limit: 0.6 };
const SHARDS = 4;
const DAY = 86_400_000;
const encoder = new TextEncoder();

type Side = 'standalone' | 'cluster';

/** Cluster rate over standalone rate of each alternated pair, in the order run (how far the machine's noise goes). */
const pairRatios = (runs: Record<Side, readonly { rate: number }[]>) =>
  runs.cluster.map((c, i) => `${(c.rate / runs.standalone[i]!.rate).toFixed(2)}×`).join(', ');

/** The context of one side: the run's standalone Redis, or its cluster. */
function sideContext(ctx: BenchContext, side: Side): BenchContext {
  const { redisClusterNodes: _none, ...standalone } = ctx;
  if (side === 'standalone') return standalone;
  const cluster = ctx.cluster!;
  return { ...ctx, redisClusterNodes: cluster.seeds, redisServers: cluster.servers };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Alternating order over `runs` rounds: standalone first in odd rounds, the cluster first in even ones. */
const order = (round: number): Side[] =>
  round % 2 === 1 ? ['standalone', 'cluster'] : ['cluster', 'standalone'];

export async function clusterScenario(ctx: BenchContext): Promise<Figure[]> {
  if (!ctx.cluster) throw new Error('the cluster scenario runs with --cluster');
  const workers = workerProcesses(ctx.workers);
  // Push runs last a few seconds each: three pairs; a Kinesis drain about 20 s: two (one each with --quick).
  return [
    ...(await pushFigures(ctx, ctx.quick ? 1 : 3, workers)),
    ...(await kinesisFigures(ctx, ctx.quick ? 1 : 2, workers)),
    ...(await readFigures(ctx)),
  ];
}

async function pushFigures(ctx: BenchContext, rounds: number, workers: string): Promise<Figure[]> {
  const workload = flatWorkload();
  const runs: Record<Side, PushRun[]> = { standalone: [], cluster: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const side of order(round)) {
      runs[side].push(
        await runPush(sideContext(ctx, side), 'api + worker', round, workload, `cluster-push-${side}`),
      );
    }
  }
  const rate = (rs: PushRun[]) => median(rs.map((r) => r.rate));
  // Each master's share of the cluster's Redis CPU (masters only: replicas mostly apply the replication stream).
  const cluster = ctx.cluster!;
  const perServer = cluster.servers.map((_, i) => sum(runs.cluster.map((r) => r.redisCpu[i] ?? 0)));
  const total = sum(perServer);
  const shares = cluster.servers
    .map((url, i) => ({ url, share: perServer[i]! / total, master: cluster.masterServers.includes(url) }))
    .map((s) => `${new URL(s.url).port}${s.master ? ' (master)' : ''} ${Math.round(100 * s.share)}%`)
    .join(', ');
  return [
    judge({
      scenario: `cluster: ingest via push, ${workload.label}, API + ${workers}`,
      figure: 'records/s, 3-master cluster vs one server',
      value: rate(runs.cluster),
      unit: 'rec/s',
      baseline: { label: 'one Redis server, same run', value: rate(runs.standalone) },
      target: TARGET,
      notes:
        `medians of ${rounds} run(s) each, alternated; ratio per pair ${pairRatios(runs)}; ` +
        `cluster ${runs.cluster.map((r) => fmt(r.rate)).join(', ')} rec/s, ` +
        `one server ${runs.standalone.map((r) => fmt(r.rate)).join(', ')} rec/s. Share of the cluster's Redis CPU by ` +
        `node: ${shares}. Cluster run: ${runs.cluster[0]!.notes}. One server: ${runs.standalone[0]!.notes}`,
    }),
  ];
}

/** API + N workers on `side`, draining `stream` into a fresh view; seconds from registering it to all counted. */
async function kinesisDrain(ctx: BenchContext, side: Side, prefix: string, stream: string, n: number) {
  const sctx = sideContext(ctx, side);
  const env = eddyEnv(sctx, prefix);
  const processes: ServerProcess[] = [
    await startEddy(ctx.redisUrl, { role: 'api', env }),
    ...(await Promise.all(
      Array.from({ length: ctx.workers }, () => startEddy(ctx.redisUrl, { role: 'worker', env })),
    )),
  ];
  const api = processes[0]!;
  const redisCpu = redisServersCpu(sctx.redisServers);
  try {
    const before = await redisCpu.read();
    const started = performance.now();
    await call(
      'POST',
      `${api.url}/v1/feature-views`,
      ingestView('bench_cluster_kinesis', {
        type: 'kinesis',
        streamName: stream,
        startPosition: 'TRIM_HORIZON',
      }),
    );
    const done = await waitCounted(api.url, 'bench_cluster_kinesis', n, 300_000, 20);
    if (done.counts.accepted !== n) throw new Error(`${side}: accepted ${done.counts.accepted} of ${n}`);
    const seconds = (done.at - started) / 1000;
    const after = await redisCpu.read();
    return { seconds, rate: n / seconds, redisCpu: sum(after) - sum(before) };
  } finally {
    redisCpu.stop();
    for (const p of processes) await p.stop();
  }
}

async function kinesisFigures(ctx: BenchContext, rounds: number, workers: string): Promise<Figure[]> {
  const n = ctx.quick ? 40_000 : 200_000;
  const sensors = 2_000;
  const stream = `bench-cluster-${Date.now()}`;
  const client = createKinesisClient({
    endpoint: ctx.kinesisEndpoint,
    region: 'us-east-1',
    dummyCredentials: true,
  });
  const random = seededRandom(21);
  const end = Date.now();
  const perSensor = n / sensors;
  const records = [];
  for (let k = 0; k < perSensor; k++) {
    for (let i = 0; i < sensors; i++) {
      const r = reading(sensorId(i), end - (perSensor - k) * 10_000, random);
      records.push({ data: encoder.encode(JSON.stringify(r)), partitionKey: r.sensor_id });
    }
  }
  ctx.log(`cluster: putting ${n} records into a ${SHARDS}-shard stream`);
  await ensureStream(client, stream, SHARDS);
  await produce(client, stream, records);
  const runs: Record<Side, Awaited<ReturnType<typeof kinesisDrain>>[]> = { standalone: [], cluster: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const side of order(round)) {
      ctx.log(`cluster: Kinesis drain on ${side} (round ${round})`);
      runs[side].push(await kinesisDrain(ctx, side, `${ctx.keyPrefix}-kinesis-${side}-${round}`, stream, n));
    }
  }
  const rate = (side: Side) => median(runs[side].map((r) => r.rate));
  const cpuPerThousand = (side: Side) =>
    ((1000 * sum(runs[side].map((r) => r.redisCpu))) / (n * runs[side].length)).toFixed(3);
  return [
    judge({
      scenario: `cluster: ingest via Kinesis, ${fmt(n)} records, ${SHARDS} shards, API + ${workers}`,
      figure: 'records/s, 3-master cluster vs one server',
      value: rate('cluster'),
      unit: 'rec/s',
      baseline: { label: 'one Redis server, same run', value: rate('standalone') },
      target: TARGET,
      notes:
        `medians of ${rounds} drain(s) each, alternated; ratio per pair ${pairRatios(runs)}; from registering the ` +
        `view to all counted: cluster ` +
        `${runs.cluster.map((r) => `${r.seconds.toFixed(2)} s`).join(', ')}, one server ` +
        `${runs.standalone.map((r) => `${r.seconds.toFixed(2)} s`).join(', ')}; Redis CPU per 1,000 records: cluster ` +
        `(all 6 nodes) ${cpuPerThousand('cluster')} s, one server ${cpuPerThousand('standalone')} s`,
    }),
  ];
}

async function readFigures(ctx: BenchContext): Promise<Figure[]> {
  const durationS = ctx.quick ? 3 : 5;
  const rounds = ctx.quick ? 1 : 3;
  const view = 'bench_cluster_read';
  const batchIds = Array.from({ length: 100 }, (_, i) => sensorId(i + 1));
  const single = sensorId(0);
  const servers: Record<Side, ServerProcess> = {
    standalone: await startEddy(ctx.redisUrl, {
      env: eddyEnv(sideContext(ctx, 'standalone'), `${ctx.keyPrefix}-read`),
    }),
    cluster: await startEddy(ctx.redisUrl, {
      env: eddyEnv(sideContext(ctx, 'cluster'), `${ctx.keyPrefix}-read`),
    }),
  };
  try {
    const end = Date.now();
    const fill = [
      ...series(single, end, DAY, 10_000, 1),
      ...batchIds.flatMap((id, i) => series(id, end, DAY, 600_000, 100 + i)),
    ];
    for (const side of ['standalone', 'cluster'] as const) {
      ctx.log(`cluster: read fill on ${side} (${fill.length} readings)`);
      await call('POST', `${servers[side].url}/v1/feature-views`, readView(view));
      for (const body of bodies(fill)) {
        await call('POST', `${servers[side].url}/v1/feature-views/${view}/records?wait=true`, body);
      }
    }
    const loads = {
      single: (side: Side) =>
        runLoad({
          method: 'GET',
          url: `${servers[side].url}/v1/feature-views/${view}/entities/${single}`,
          connections: 50,
          durationS,
          maxRequests: 5_000_000,
        }),
      batch: (side: Side) =>
        runLoad({
          method: 'POST',
          url: `${servers[side].url}/v1/online-features`,
          connections: 4,
          durationS,
          maxRequests: 5_000_000,
          body: JSON.stringify({ featureView: view, entities: batchIds }),
        }),
    };
    const figures: Figure[] = [];
    for (const [kind, load] of Object.entries(loads)) {
      ctx.log(`cluster: ${kind} reads, ${rounds} round(s) of ${durationS} s per side, alternated`);
      for (const side of ['standalone', 'cluster'] as const) await load(side); // warm-up
      const runs: Record<Side, LoadResult[]> = { standalone: [], cluster: [] };
      for (let round = 1; round <= rounds; round++) {
        for (const side of order(round)) runs[side].push(await load(side));
      }
      const rps = (side: Side) => median(runs[side].map((r) => r.rps));
      const p50 = (side: Side) => median(runs[side].map((r) => r.p50Ms)).toFixed(2);
      figures.push(
        judge({
          scenario:
            kind === 'single'
              ? 'cluster: online read, 1 entity, 10 features, 50 conn'
              : 'cluster: batch read, 100 entities, 4 conn',
          figure: 'requests/s, 3-master cluster vs one server',
          value: rps('cluster'),
          unit: 'req/s',
          baseline: { label: 'one Redis server, same run', value: rps('standalone') },
          target: TARGET,
          notes: `medians of ${rounds} round(s) of ${durationS} s, alternated; p50 cluster ${p50('cluster')} ms, one server ${p50('standalone')} ms`,
        }),
      );
    }
    return figures;
  } finally {
    await servers.standalone.stop();
    await servers.cluster.stop();
  }
}
