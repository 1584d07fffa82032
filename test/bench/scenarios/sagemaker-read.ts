/**
 * The SageMaker runtime-compatible read against Eddy's own single-entity read, in the same run and process:
 * `GET /sagemaker-featurestore/FeatureGroup/{group}?RecordIdentifierValueAsString=…` (SigV4 verified with an Eddy
 * key) vs `GET /v1/feature-views/{view}/entities/{id}` (bearer key), the same sensor and 10 features (a reading
 * every 10 s for a day). The request is signed once by the real AWS SDK client just before the loads (a signature
 * stays valid for 15 minutes) and replayed: the server's verification is measured, not the client's signing.
 *
 * Latency is judged at a fixed offered load below saturation, where it is the time a request takes: RATE
 * requests/s in an open loop, evenly spaced, the two reads sent in turn on one pool of PACED_CONNECTIONS
 * connections (lib/paced-load.ts), so both see the same moments of a machine shared with other work. At
 * saturation a latency is only the inverse of throughput, so the saturated runs (50 connections, as fast as the
 * server answers, autocannon, the two reads in alternating runs) are reported as a throughput ratio, not judged.
 */
import {
  GetRecordCommand,
  SageMakerFeatureStoreRuntimeClient,
} from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { bodies, readView, sensorId, series } from '../data.js';
import { startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { type LoadResult, type LoadSpec, runLoad, runPaced } from '../lib/load.js';
import { type Figure, judge, observe } from '../lib/report.js';
import { median } from '../lib/stats.js';

const VIEW = 'bench_sm_read';
/** A view without a sink answers under its own name (no sink: no PutRecord traffic during the load). */
const GROUP = VIEW;
const CONNECTIONS = 50;
const PACED_CONNECTIONS = 10;
/** Offered load of the latency comparison (both reads together): well below one process's saturation. */
const RATE = 1000;
const DAY = 86_400_000;
const KEY = 'bench-admin-key-0123456789';

async function authed(method: string, url: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** The URL and headers the AWS SDK sends for GetRecord, captured after signing (the call itself is not sent). */
async function signedGetRecord(
  base: string,
  entity: string,
): Promise<{ url: string; headers: Record<string, string> }> {
  const client = new SageMakerFeatureStoreRuntimeClient({
    endpoint: `${base}/sagemaker-featurestore`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'key-1', secretAccessKey: KEY },
    maxAttempts: 1,
  });
  let captured: { url: string; headers: Record<string, string> } | null = null;
  client.middlewareStack.add(
    () => async (args) => {
      const r = args.request as {
        path: string;
        query?: Record<string, string | string[]>;
        headers: Record<string, string>;
      };
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(r.query ?? {})) for (const x of [v].flat()) query.append(k, x);
      captured = { url: `${base}${r.path}?${query.toString().replace(/\+/g, '%20')}`, headers: r.headers };
      throw new Error('captured');
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureSigned' },
  );
  await client
    .send(new GetRecordCommand({ FeatureGroupName: GROUP, RecordIdentifierValueAsString: entity }))
    .catch(() => {});
  client.destroy();
  if (!captured) throw new Error('the SDK did not reach the signed request');
  return captured;
}

export async function sagemakerReadScenario(ctx: BenchContext): Promise<Figure[]> {
  const durationS = ctx.quick ? 4 : 6;
  const rounds = ctx.quick ? 1 : 4;
  const warmS = ctx.quick ? 2 : 4;
  const eddy = await startEddy(ctx.redisUrl, {
    env: eddyEnv(ctx, `${ctx.keyPrefix}`, { EDDY_API_KEYS: `admin:${KEY}` }),
    ...(ctx.cpuProfileDir && { cpuProfileDir: ctx.cpuProfileDir }),
  });
  try {
    await authed('POST', `${eddy.url}/v1/feature-views`, readView(VIEW));
    const entity = sensorId(0);
    ctx.log(`sagemaker-read: filling ${entity} (8,640 readings)`);
    for (const body of bodies(series(entity, Date.now(), DAY, 10_000, 1))) {
      await authed('POST', `${eddy.url}/v1/feature-views/${VIEW}/records?wait=true`, body);
    }
    const signed = await signedGetRecord(eddy.url, entity);
    const record = (await (await fetch(signed.url, { headers: signed.headers })).json()) as {
      Record?: unknown[];
    };
    if (!Array.isArray(record.Record) || record.Record.length !== 12) {
      throw new Error(`GetRecord answered ${JSON.stringify(record).slice(0, 300)}`);
    }
    const own: LoadSpec = {
      method: 'GET',
      durationS,
      maxRequests: 5_000_000,
      connections: CONNECTIONS,
      url: `${eddy.url}/v1/feature-views/${VIEW}/entities/${entity}`,
      headers: { authorization: `Bearer ${KEY}` },
    };
    const compat: LoadSpec = { ...own, url: signed.url, headers: signed.headers };
    const target = ({ url, method, headers }: LoadSpec) => ({ url, method, ...(headers && { headers }) });
    /** Both reads interleaved at RATE; which goes first alternates between rounds. */
    const paced = async (round: number) => {
      const order = round % 2 === 0 ? [own, compat] : [compat, own];
      const results = await runPaced({
        targets: order.map(target),
        overallRate: RATE,
        connections: PACED_CONNECTIONS,
        durationS,
      });
      return round % 2 === 0 ? results : [...results].reverse();
    };
    ctx.log(
      `sagemaker-read: GetRecord vs own read, ${rounds}×${durationS} s each, at ${RATE} req/s and saturated`,
    );
    await runLoad({ ...own, durationS: warmS });
    await runLoad({ ...compat, durationS: warmS });
    const runs = {
      own: [] as LoadResult[],
      compat: [] as LoadResult[],
      ownMax: [] as LoadResult[],
      compatMax: [] as LoadResult[],
    };
    for (let i = 0; i < rounds; i++) {
      const [ownPaced, compatPaced] = await paced(i);
      runs.own.push(ownPaced!);
      runs.compat.push(compatPaced!);
      runs.ownMax.push(await runLoad(own));
      runs.compatMax.push(await runLoad(compat));
    }
    const m = (r: LoadResult[], k: 'p50Ms' | 'p99Ms' | 'rps') => median(r.map((x) => x[k]));
    const baselineLabel = "Eddy's own single-entity read";
    return [
      judge({
        scenario: `SageMaker GetRecord (SigV4), 1 entity, 10 features, ${RATE} req/s paced`,
        figure: 'p50 latency',
        value: m(runs.compat, 'p50Ms'),
        unit: 'ms',
        baseline: { label: baselineLabel, value: m(runs.own, 'p50Ms') },
        target: { op: '<=', limit: 1.2 },
        notes: `medians of ${rounds} rounds of ${durationS} s, the two reads interleaved in an open loop (${RATE / 2} req/s each) on ${PACED_CONNECTIONS} connections; p99 ${m(runs.compat, 'p99Ms').toFixed(2)} ms vs ${m(runs.own, 'p99Ms').toFixed(2)} ms`,
      }),
      observe({
        scenario: `SageMaker GetRecord (SigV4), 1 entity, 10 features, ${CONNECTIONS} conn`,
        figure: 'requests/s',
        value: m(runs.compatMax, 'rps'),
        unit: 'req/s',
        baseline: { label: baselineLabel, value: m(runs.ownMax, 'rps') },
        notes: `saturated, alternating runs: p50 ${m(runs.compatMax, 'p50Ms').toFixed(2)} ms vs ${m(runs.ownMax, 'p50Ms').toFixed(2)} ms`,
      }),
    ];
  } finally {
    await eddy.stop();
  }
}
