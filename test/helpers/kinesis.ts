/**
 * Kinesis test kit: kinesalite on a free loopback port in the test process, a generated sensor dataset with
 * out-of-order, late, duplicate-id and bad records (and the brute-force oracle's expectations for it, judged in
 * shard order), waiting for the status to show everything consumed, comparing every online value with the
 * oracle, and real worker child processes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before } from 'node:test';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/adapters/kinesis/client.js';
import { startEmbeddedKinesis } from '../../src/adapters/kinesis/embedded.js';
import { ensureStream, type Landed, type ProducerRecord } from '../../src/adapters/kinesis/producer.js';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { CompiledView, FeatureView } from '../../src/core/feature-view.js';
import type { App } from '../../src/http/app.js';
import { startEddy, type TestEddy } from './eddy.js';
import { agrees, Oracle } from './oracle.js';

export interface TestKinesis {
  url: string;
  client: KinesisClient;
  close(): Promise<void>;
}

export async function startKinesalite(): Promise<TestKinesis> {
  const k = await startEmbeddedKinesis(0);
  const client = createKinesisClient({ endpoint: k.url, region: 'us-east-1', dummyCredentials: true });
  return {
    url: k.url,
    client,
    async close() {
      client.destroy();
      await k.close();
    },
  };
}

export const createStream = (k: TestKinesis, name: string, shards: number) =>
  ensureStream(k.client, name, shards);

/** Settings that make a test's workers react quickly (short leases, fast discovery and idle polling). */
export const FAST_KINESIS_ENV = {
  EDDY_KINESIS_LEASE_TTL_MS: '2000',
  EDDY_KINESIS_DISCOVERY_MS: '300',
  EDDY_KINESIS_IDLE_MS: '200',
  EDDY_KINESIS_RECORD_LIMIT: '2000',
};

export const kinesisViewSpec = (name: string, stream: string, extra: Record<string, unknown> = {}) => ({
  name,
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  source: { type: 'kinesis', streamName: stream, startPosition: 'TRIM_HORIZON' },
  granularity: '10s',
  allowedLateness: '2m',
  eventIdField: 'reading_id',
  features: [
    { name: 'temp_avg_5m', agg: 'avg', field: 'temperature', window: '5m' },
    { name: 'temp_max_1h', agg: 'max', field: 'temperature', window: '1h' },
    { name: 'temp_sum_1m', agg: 'sum', field: 'temperature', window: '1m' },
    { name: 'readings_5m', agg: 'count', window: '5m' },
    { name: 'temp_std_50', agg: 'stddev', field: 'temperature', events: 50 },
    { name: 'temp_var_10m', agg: 'var_samp', field: 'temperature', window: '10m' },
    { name: 'temp_last', agg: 'last', field: 'temperature' },
  ],
  ...extra,
});

export async function createView(app: App, spec: object): Promise<CompiledView> {
  const res = await app.inject({ method: 'POST', url: '/v1/feature-views', payload: spec });
  assert.equal(res.statusCode, 201, res.body);
  return compileView(res.json() as FeatureView);
}

/** One generated record: its bytes and partition key, and its decoded event when it is a good one. */
export interface DatasetItem extends ProducerRecord {
  entity: string;
  event: EngineEvent | null;
}

/** A small seeded PRNG (mulberry32), so every run generates the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `perEntity` records for each of `entities` sensors, interleaved at random: event times mostly move forward,
 * ~20% step back (out of order), ~7% far back (late for a 2m lateness), ~12% reuse an earlier reading id
 * (producer duplicates), ~3% are bad (not UTF-8, not JSON, not an object, no entity key, a non-numeric value).
 */
export function sensorDataset(options: {
  entities: number;
  perEntity: number;
  seed: number;
  prefix?: string;
}) {
  const random = rng(options.seed);
  const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
  const entities = Array.from({ length: options.entities }, (_, i) => `${options.prefix ?? 'sensor'}-${i}`);
  const clocks = entities.map(() => T0);
  const ids: string[][] = entities.map(() => []);
  const left = entities.map(() => options.perEntity);
  const items: DatasetItem[] = [];
  let remaining = options.entities * options.perEntity;
  while (remaining > 0) {
    let e = Math.floor(random() * entities.length);
    while (left[e] === 0) e = (e + 1) % entities.length;
    left[e]!--;
    remaining--;
    const entity = entities[e]!;
    const n = items.length;
    const roll = random();
    clocks[e]! +=
      roll < 0.07
        ? -Math.floor(180_000 + random() * 300_000)
        : roll < 0.27
          ? -Math.floor(random() * 60_000)
          : Math.floor(random() * 20_000);
    const t = clocks[e]!;
    const reuse = random() < 0.12 && ids[e]!.length > 0;
    const readingId = reuse ? ids[e]![Math.floor(random() * ids[e]!.length)]! : `${entity}-r${n}`;
    const temperature = Math.round((20 + 15 * Math.sin(t / 600_000) + random() * 10) * 1000) / 1000;
    const record: Record<string, unknown> = { sensor_id: entity, ts: t, reading_id: readingId, temperature };
    const badRoll = random();
    let data: Buffer;
    let good = false;
    if (badRoll < 0.006) data = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    else if (badRoll < 0.012) data = Buffer.from(`not json ${n}`);
    else if (badRoll < 0.018) data = Buffer.from(JSON.stringify([record]));
    else if (badRoll < 0.024) data = Buffer.from(JSON.stringify({ ...record, sensor_id: undefined }));
    else if (badRoll < 0.03)
      data = Buffer.from(JSON.stringify({ ...record, temperature: String(temperature) }));
    else {
      good = true;
      // Some event times as ISO-8601 strings.
      data = Buffer.from(
        JSON.stringify(random() < 0.2 ? { ...record, ts: new Date(t).toISOString() } : record),
      );
      if (!reuse) ids[e]!.push(readingId);
    }
    items.push({
      entity,
      partitionKey: entity,
      data,
      event: good ? { t, id: readingId, values: { temperature } } : null,
    });
  }
  return { entities, items };
}

export interface Expected {
  oracles: Map<string, Oracle>;
  counts: { accepted: number; rejected: number; late: number; duplicate: number };
}

/**
 * The oracle's verdict: each entity's good records in shard order. The producer sends batches one after another
 * and PutRecords keeps the order within a call, so with no record retried the input order of one partition key
 * is its shard order — across reshards too (the parent's records come first). Sequence numbers confirm it
 * within each shard.
 */
export function expectedFor(
  view: CompiledView,
  items: readonly DatasetItem[],
  landed: readonly Landed[],
): Expected {
  const byEntity = new Map<string, EngineEvent[]>();
  const lastSeq = new Map<string, bigint>();
  let rejected = 0;
  items.forEach((item, i) => {
    const where = landed[i]!;
    const key = `${item.partitionKey}|${where.shardId}`;
    const seq = BigInt(where.seq);
    assert.ok((lastSeq.get(key) ?? -1n) < seq, 'records of one partition key landed out of input order');
    lastSeq.set(key, seq);
    if (!item.event) {
      rejected++;
      return;
    }
    const list = byEntity.get(item.entity) ?? [];
    list.push(item.event);
    byEntity.set(item.entity, list);
  });
  const counts = { accepted: 0, rejected, late: 0, duplicate: 0 };
  const oracles = new Map<string, Oracle>();
  for (const [entity, list] of byEntity) {
    const oracle = new Oracle(view);
    const o = oracle.apply(list);
    counts.accepted += o.accepted;
    counts.late += o.late;
    counts.duplicate += o.duplicate;
    oracles.set(entity, oracle);
  }
  return { oracles, counts };
}

export async function status(app: App, view: string) {
  const res = await app.inject({ url: `/v1/feature-views/${view}/status` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Polls the status until its counts add up to `total` records (or fails after `timeoutMs`). */
export async function waitConsumed(app: App, view: string, total: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(app, view);
    const sum = s.counts.accepted + s.counts.rejected + s.counts.late + s.counts.duplicate;
    if (sum >= total) return s;
    if (Date.now() > deadline) assert.fail(`only ${sum} of ${total} records consumed: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every online value (asOf latest) of every entity equals the oracle's, and the status counts add up. */
export async function assertMatchesOracle(app: App, view: CompiledView, expected: Expected) {
  const s = await status(app, view.name);
  assert.deepEqual(s.counts, expected.counts);
  const entities = [...expected.oracles.keys()];
  for (let i = 0; i < entities.length; i += 1000) {
    const chunk = entities.slice(i, i + 1000);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: view.name, entities: chunk, asOf: 'latest' },
    });
    assert.equal(res.statusCode, 200, res.body);
    for (const r of res.json().results as {
      entity: string;
      status: string;
      eventTime: string;
      values: Record<string, number | null>;
    }[]) {
      const oracle = expected.oracles.get(r.entity)!;
      assert.equal(r.status, 'PRESENT', r.entity);
      assert.equal(r.eventTime, new Date(oracle.watermarkMs!).toISOString(), r.entity);
      for (const f of view.features) {
        const at = oracle.watermarkMs!;
        const want = oracle.value(f, at, 'exact');
        const got = r.values[f.name] ?? null;
        assert.ok(
          agrees(f.agg, got, want, oracle.window(f, at, 'exact')),
          `${r.entity} ${f.name}: got ${got}, oracle ${want}`,
        );
      }
    }
  }
}

export interface WorkerChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** A real worker process (`src/main.ts worker`) on the test's Redis and kinesalite. */
export function spawnWorker(env: Record<string, string>): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: process.env.TEST_LOG ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
    if (process.env.TEST_LOG) process.stderr.write(b);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.once('exit', () => child.kill('SIGKILL'));
  return { child, exited, output: () => out };
}

export interface WorkerProcessSuite {
  readonly kinesis: TestKinesis;
  /** Only the API runs in the test process (status and reads); the workers are child processes. */
  readonly eddy: TestEddy;
  /** Starts a worker process, killed when the test file ends. */
  spawn(env: Record<string, string>): WorkerChild;
}

export interface InProcessSuite {
  readonly kinesis: TestKinesis;
  readonly eddy: TestEddy;
}

/**
 * kinesalite and an in-process Eddy (API and workers, or the given roles) reading from it, for the tests of one
 * file: started before them, closed after. `env` goes over FAST_KINESIS_ENV.
 */
export function inProcessSuite(
  env: Record<string, string> = {},
  roles = { api: true, worker: true },
): InProcessSuite {
  let kinesis: TestKinesis | undefined;
  let eddy: TestEddy | undefined;
  before(async () => {
    kinesis = await startKinesalite();
    eddy = await startEddy(
      {
        ...FAST_KINESIS_ENV,
        KINESIS_ENDPOINT: kinesis.url,
        LOG_LEVEL: process.env.EDDY_LOG ?? 'silent',
        ...env,
      },
      roles,
    );
  });
  after(async () => {
    await eddy?.close();
    await kinesis?.close();
  });
  return {
    get kinesis() {
      return kinesis!;
    },
    get eddy() {
      return eddy!;
    },
  };
}

/**
 * The set-up of a test file whose workers are real processes: kinesalite and an API-only Eddy before the tests,
 * every worker it spawned killed and both closed after them.
 */
export function workerProcessSuite(): WorkerProcessSuite {
  const children: WorkerChild[] = [];
  after(() => {
    for (const c of children) c.child.kill('SIGKILL'); // before the API and kinesalite close (hooks run in order)
  });
  return Object.assign(inProcessSuite({}, { api: true, worker: false }), {
    spawn(env: Record<string, string>) {
      const w = spawnWorker(env);
      children.push(w);
      return w;
    },
  });
}
