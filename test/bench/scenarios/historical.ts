/**
 * Historical features (training data), against one Eddy process (API and worker) and the run's kinesalite.
 *
 * - From an upload: N sensor readings uploaded as NDJSON (upload time shown apart), then a job over them with an
 *   inline spine of 10,000 rows: events/s from starting the job to `succeeded` (target ≥ 200,000 events/s).
 * - Spine rows/s: a job with a spine upload of many rows over a small history; the same spine over the online
 *   state (`events: {"type": "retained"}`) after the same history was pushed, as a ratio to it.
 * - From Kinesis: the same readings in a 4-shard stream; a bare GetRecords loop (get-records-child.ts) drains
 *   it, then a job reads every shard: events/s as a ratio to the loop (target ≥ 0.9×).
 */
import { createKinesisClient } from '../../../src/adapters/kinesis/client.js';
import { ensureStream, produce } from '../../../src/adapters/kinesis/producer.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { ingestView, reading, sensorId } from '../data.js';
import { runChild, startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { call, sleep } from '../lib/http.js';
import { type Figure, judge, observe } from '../lib/report.js';

const SENSORS = 2_000;
const SHARDS = 4;

interface Job {
  id: string;
  status: string;
  progress: { eventsRead: number; rowsWritten: number; partitions: number };
  error: unknown;
}

async function upload(base: string, contentType: string, body: string): Promise<string> {
  const res = await fetch(`${base}/v1/historical-uploads`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  if (res.status !== 201) throw new Error(`upload -> ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Starts a job and polls it every 20 ms; seconds from the POST to `succeeded`. */
async function timeJob(base: string, view: string, body: unknown): Promise<{ seconds: number; job: Job }> {
  const started = performance.now();
  const { id } = await call<Job>('POST', `${base}/v1/feature-views/${view}/historical-features`, body);
  for (;;) {
    const job = await call<Job>('GET', `${base}/v1/feature-views/${view}/historical-features/${id}`);
    if (job.status === 'succeeded') return { seconds: (performance.now() - started) / 1000, job };
    if (job.status !== 'queued' && job.status !== 'running')
      throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
    await sleep(20);
  }
}

export async function historicalScenario(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 100_000 : 400_000;
  const end = Date.now();
  const random = seededRandom(21);
  const perSensor = n / SENSORS;
  const records: string[] = [];
  for (let k = 0; k < perSensor; k++) {
    for (let i = 0; i < SENSORS; i++)
      records.push(JSON.stringify(reading(sensorId(i), end - (perSensor - k) * 10_000, random)));
  }
  const spine = Array.from({ length: 10_000 }, (_, k) => ({
    entity: sensorId(Math.floor(random() * SENSORS)),
    timestamp: end - Math.floor(random() * perSensor * 10_000),
    label: k % 2,
  }));
  const eddy = await startEddy(ctx.redisUrl, {
    env: eddyEnv(ctx),
    ...(ctx.cpuProfileDir && { cpuProfileDir: ctx.cpuProfileDir }),
  });
  const figures: Figure[] = [];
  try {
    const view = 'bench_hist';
    await call('POST', `${eddy.url}/v1/feature-views`, ingestView(view));
    ctx.log(`historical: uploading ${n} readings`);
    const uploadStarted = performance.now();
    const events = await upload(eddy.url, 'application/x-ndjson', `${records.join('\n')}\n`);
    const uploadSeconds = (performance.now() - uploadStarted) / 1000;
    // Warm-up on a small job (JIT, scripts), then the measured one.
    const small = await upload(eddy.url, 'application/x-ndjson', records.slice(0, 20_000).join('\n'));
    await timeJob(eddy.url, view, { spine: spine.slice(0, 1000), events: { type: 'upload', upload: small } });
    ctx.log('historical: job over the upload');
    const fromUpload = await timeJob(eddy.url, view, { spine, events: { type: 'upload', upload: events } });
    figures.push(
      judge({
        scenario: `historical features from an upload, ${n.toLocaleString('en-US')} events, 10,000 spine rows`,
        figure: 'events/s through the job',
        value: n / fromUpload.seconds,
        unit: 'events/s',
        baseline: null,
        target: { op: '>=', limit: 200_000 },
        notes: `job ${fromUpload.seconds.toFixed(2)} s (start to succeeded, ${fromUpload.job.progress.partitions} partition(s)); the upload itself took ${uploadSeconds.toFixed(2)} s (${Math.round(n / uploadSeconds).toLocaleString('en-US')} records/s)`,
      }),
    );

    const rows = ctx.quick ? 100_000 : 400_000;
    const bigSpine = Array.from({ length: rows }, (_, k) =>
      JSON.stringify({ entity: sensorId(k % SENSORS), timestamp: end - Math.floor(random() * 3_600_000), k }),
    );
    const spineUpload = await upload(eddy.url, 'application/x-ndjson', bigSpine.join('\n'));
    ctx.log(`historical: ${rows} spine rows over 20,000 events`);
    const manyRows = await timeJob(eddy.url, view, {
      spine: { upload: spineUpload },
      events: { type: 'upload', upload: small },
    });
    figures.push(
      observe({
        scenario: `historical features, ${rows.toLocaleString('en-US')} spine rows over 20,000 events`,
        figure: 'spine rows/s through the job',
        value: rows / manyRows.seconds,
        unit: 'rows/s',
        baseline: null,
        notes: `job ${manyRows.seconds.toFixed(2)} s`,
      }),
    );

    ctx.log('historical: the same spine over the online state');
    for (let i = 0; i < 20_000; i += 10_000) {
      await call('POST', `${eddy.url}/v1/feature-views/${view}/records?wait=true`, {
        records: records.slice(i, i + 10_000).map((r) => JSON.parse(r) as unknown),
      });
    }
    const fromState = await timeJob(eddy.url, view, {
      spine: { upload: spineUpload },
      events: { type: 'retained' },
    });
    figures.push(
      observe({
        scenario: `historical features from the online state, ${rows.toLocaleString('en-US')} spine rows`,
        figure: 'spine rows/s through the job',
        value: rows / fromState.seconds,
        unit: 'rows/s',
        baseline: { label: 'the same spine over an upload of 20,000 events', value: rows / manyRows.seconds },
        notes: `job ${fromState.seconds.toFixed(2)} s, ${fromState.job.progress.partitions} partition(s)`,
      }),
    );

    const client = createKinesisClient({
      endpoint: ctx.kinesisEndpoint,
      region: 'us-east-1',
      dummyCredentials: true,
    });
    const stream = `bench-history-${Date.now()}`;
    try {
      ctx.log(`historical: putting ${n} records into ${SHARDS} shards`);
      await ensureStream(client, stream, SHARDS);
      const encoder = new TextEncoder();
      await produce(
        client,
        stream,
        records.map((r) => ({
          data: encoder.encode(r),
          partitionKey: (JSON.parse(r) as { sensor_id: string }).sensor_id,
        })),
      );
    } finally {
      client.destroy();
    }
    const loop = JSON.parse(
      await runChild('test/bench/get-records-child.ts', [ctx.kinesisEndpoint, stream, String(n)], 330_000),
    ) as { records: number; seconds: number };
    ctx.log('historical: job over the stream');
    const fromKinesis = await timeJob(eddy.url, view, {
      spine,
      events: { type: 'kinesis', streamName: stream },
    });
    if (fromKinesis.job.progress.eventsRead !== n)
      throw new Error(`read ${fromKinesis.job.progress.eventsRead} of ${n}`);
    figures.push(
      judge({
        scenario: `historical features from Kinesis, ${n.toLocaleString('en-US')} events, ${SHARDS} shards`,
        figure: 'events/s through the job',
        value: n / fromKinesis.seconds,
        unit: 'events/s',
        baseline: { label: 'bare GetRecords loop', value: loop.records / loop.seconds },
        target: { op: '>=', limit: 0.9 },
        notes: `job ${fromKinesis.seconds.toFixed(2)} s; loop ${loop.seconds.toFixed(2)} s`,
      }),
    );
  } finally {
    await eddy.stop();
  }
  return figures;
}
