/**
 * `npm run bench [-- --quick] [-- --only=read,sagemaker-read,push,transform,state,kinesis,freshness,cluster]
 * [-- --profile] [-- --workers N] [-- --cluster]`
 *
 * `--workers N`: scenarios that split the roles run one API process and N worker processes (default 1).
 * `--cluster`: also starts a local Redis Cluster (3 masters, 3 replicas, test/helpers/redis-cluster.ts) and runs
 * the `cluster` scenario (Eddy on it against Eddy on the standalone server, in the same run); without `--only` it
 * is the only scenario.
 *
 * Starts a private redis-server and kinesalite (every Eddy under test uses it) on 127.0.0.1, runs the scenarios,
 * prints the table and writes bench-results.json. Each server under test runs in its own process; load comes
 * from autocannon in another process. Every figure is a ratio to a baseline measured in the same run (or an
 * absolute target where the issue sets one), so a busy machine moves both sides. Exit code: 0 when every target
 * holds (figures shown without a target do not count), 1 when one does not, 2 when a scenario could not run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis } from '../../src/runtime/redis-server.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/redis-cluster.js';
import { type ServerProcess, startKinesalite } from './lib/children.js';
import type { BenchContext } from './lib/context.js';
import { freshPageMicroseconds, loopNanoseconds } from './lib/machine-probe.js';
import { type Figure, table, writeResults } from './lib/report.js';
import { clusterScenario } from './scenarios/cluster.js';
import { historicalScenario } from './scenarios/historical.js';
import { freshnessScenario, kinesisIngestScenario } from './scenarios/kinesis.js';
import { pushScenario } from './scenarios/push.js';
import { readScenarios } from './scenarios/read.js';
import { sagemakerReadScenario } from './scenarios/sagemaker-read.js';
import { stateSizeScenario } from './scenarios/state-size.js';
import { transformScenario } from './scenarios/transform.js';

type Scenario = (ctx: BenchContext) => Promise<Figure[]>;

const SCENARIOS: Record<string, Scenario> = {
  read: readScenarios,
  'sagemaker-read': sagemakerReadScenario,
  push: pushScenario,
  transform: transformScenario,
  state: stateSizeScenario,
  kinesis: kinesisIngestScenario,
  freshness: freshnessScenario,
  historical: historicalScenario,
  cluster: clusterScenario,
};

/** Scenarios a run without `--only` skips: the cluster scenario needs `--cluster` (and is then the default). */
const ON_REQUEST = new Set(['cluster']);

/** `--name=value` or `--name value`. */
function option(args: readonly string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(name.length + 3) : args[i + 1];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The machine, with two probes of its speed (lib/machine-probe.ts); taken before the servers start. */
function machine() {
  const redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(
    /v=(\S+)/,
  )?.[1];
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: redisVersion ?? 'unknown',
    loopNsPerIteration: round2(loopNanoseconds()),
    freshPageMicroseconds: round2(freshPageMicroseconds()),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onCluster = args.includes('--cluster');
  const workers = Number(option(args, 'workers') ?? 1);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers takes a whole number ≥ 1');
  const only = option(args, 'only')?.split(',');
  const names = only ?? (onCluster ? ['cluster'] : Object.keys(SCENARIOS).filter((n) => !ON_REQUEST.has(n)));
  if (names.includes('cluster') && !onCluster) throw new Error('the cluster scenario runs with --cluster');
  for (const n of names)
    if (!SCENARIOS[n]) throw new Error(`unknown scenario '${n}' (${Object.keys(SCENARIOS).join(', ')})`);
  const cpuProfileDir = args.includes('--profile')
    ? join(tmpdir(), `eddy-bench-prof-${Date.now()}`)
    : undefined;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });

  const host = machine();
  const started = Date.now();
  const loadBefore = loadavg();
  const log = (m: string) =>
    console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);
  log(
    `${quick ? 'quick' : 'full'} run: ${names.join(', ')}; ${workers} worker process(es); load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ` +
      `${host.cpus} × ${host.cpuModel}, a loop iteration ${host.loopNsPerIteration} ns, a fresh page ${host.freshPageMicroseconds} µs`,
  );

  const redis = await startPrivateRedis();
  // Every Eddy process gets this kinesalite as KINESIS_ENDPOINT (else each would start an embedded one).
  const kinesis: ServerProcess = await startKinesalite();
  // The cluster's nodes are this process's children, killed by their PIDs at the end (and at exit).
  const cluster: PrivateCluster | null = onCluster ? await startPrivateCluster() : null;
  const clusterInfo = cluster && {
    seeds: cluster.seeds,
    servers: cluster.nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    masterServers: (await cluster.masters()).map((port) => `redis://127.0.0.1:${port}`),
  };
  if (clusterInfo) log(`cluster: 3 masters + 3 replicas on ${clusterInfo.seeds}`);
  const figures: Figure[] = [];
  try {
    for (const name of names) {
      const ctx: BenchContext = {
        quick,
        redisUrl: redis.url,
        keyPrefix: `bench-${name}`,
        kinesisEndpoint: kinesis.url,
        kinesisPid: kinesis.pid,
        workers,
        redisServers: [redis.url],
        ...(clusterInfo && { cluster: clusterInfo }),
        ...(cpuProfileDir && { cpuProfileDir }),
        log,
      };
      log(`scenario ${name}`);
      figures.push(...(await SCENARIOS[name]!(ctx)));
    }
  } finally {
    await cluster?.stop();
    await kinesis.stop();
    redis.process.ref(); // startPrivateRedis unrefs it; keep this process alive until it has exited
    await redis.stop();
  }

  const meta = {
    mode: quick ? 'quick' : 'full',
    workers,
    cluster: onCluster,
    date: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg(),
    machine: host,
    ...(cpuProfileDir && { cpuProfiles: cpuProfileDir }),
  };
  console.log(`\n${table(figures)}\n`);
  for (const f of figures) if (f.notes) console.log(`- ${f.scenario} / ${f.figure}: ${f.notes}`);
  writeResults('bench-results.json', meta, figures);
  log(
    `wrote bench-results.json (${meta.durationS} s)${cpuProfileDir ? `; CPU profiles in ${cpuProfileDir}` : ''}`,
  );
  process.exitCode = figures.every((f) => f.pass !== false) ? 0 : 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(2);
});
