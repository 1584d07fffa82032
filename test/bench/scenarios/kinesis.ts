/**
 * Kinesis scenarios, against kinesalite in its own process.
 *
 * - Ingest: N sensor readings are put into a 4-shard stream; a bare GetRecords loop (get-records-child.ts, its own
 *   process) drains it, then Eddy does (a view on the stream from TRIM_HORIZON, registered while Eddy runs), and
 *   the rates are compared (the loop runs before and after Eddy; its baseline is both runs together, since
 *   kinesalite's speed drifts). Eddy's time runs from the registration to the status counting all N. The notes add
 *   the ceiling of a 2-core machine: the loop again, beside a process keeping a core as busy as Eddy kept it
 *   (kinesalite is single-threaded and shares the cores with Eddy's work).
 * - Freshness: a steady 2,000 records/s over 4 shards (a PutRecords of 200 every 100 ms). Every batch carries one
 *   probe record per shard whose value is the batch's number; a poller reads the probes through the online API
 *   every 10 ms. A sample is the time from the PutRecords call returning to the first read that shows its value.
 */
import { createHash } from 'node:crypto';
import { ListShardsCommand, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { Redis } from 'ioredis';
import { createKinesisClient } from '../../../src/adapters/kinesis/client.js';
import { ensureStream, produce } from '../../../src/adapters/kinesis/producer.js';
import { ingestView, reading, rng, sensorId } from '../data.js';
import { runChild, type ServerProcess, startCpuLoad, startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { measureCpu } from '../lib/cpu.js';
import { call, sleep, waitCounted } from '../lib/http.js';
import { type Figure, judge } from '../lib/report.js';
import { percentile } from '../lib/stats.js';

const SHARDS = 4;
const encoder = new TextEncoder();

/**
 * Eddy with its default Kinesis settings (a caught-up shard is polled every 250 ms; a registered view starts
 * reading at once, woken by the registry's change message, and discovery rounds come every 5 s).
 */
function startKinesisEddy(ctx: BenchContext, prefix: string): Promise<ServerProcess> {
  return startEddy(ctx.redisUrl, {
    env: eddyEnv(ctx, prefix),
    ...(ctx.cpuProfileDir && { cpuProfileDir: ctx.cpuProfileDir }),
  });
}

export async function kinesisIngestScenario(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 60_000 : 400_000;
  const sensors = 2_000;
  const stream = `bench-ingest-${Date.now()}`;
  const client = createKinesisClient({
    endpoint: ctx.kinesisEndpoint,
    region: 'us-east-1',
    dummyCredentials: true,
  });
  try {
    await ensureStream(client, stream, SHARDS);
    const random = rng(11);
    const end = Date.now();
    const perSensor = n / sensors;
    const records = [];
    for (let k = 0; k < perSensor; k++) {
      for (let i = 0; i < sensors; i++) {
        const r = reading(sensorId(i), end - (perSensor - k) * 10_000, random);
        records.push({ data: encoder.encode(JSON.stringify(r)), partitionKey: r.sensor_id });
      }
    }
    ctx.log(`kinesis: putting ${n} records into ${SHARDS} shards`);
    await produce(client, stream, records);

    const redis = new Redis(ctx.redisUrl);
    const bareLoop = async () => {
      const run = await measureCpu({ kinesalite: ctx.kinesisPid }, null, () =>
        runChild('test/bench/get-records-child.ts', [ctx.kinesisEndpoint, stream, String(n)], 330_000),
      );
      const out = JSON.parse(run.result) as { records: number; seconds: number };
      if (out.records < n) throw new Error(`the GetRecords loop read ${out.records} of ${n} records`);
      return { ...out, kinesaliteCpu: run.cpu.kinesalite!, kinesaliteWaited: run.waited.kinesalite! };
    };
    ctx.log('kinesis: bare GetRecords loop');
    const bareBefore = await bareLoop();

    ctx.log('kinesis: Eddy');
    const eddy = await startKinesisEddy(ctx, ctx.keyPrefix);
    try {
      const started = performance.now();
      const run = await measureCpu({ kinesalite: ctx.kinesisPid, eddy: eddy.pid }, redis, async () => {
        await call(
          'POST',
          `${eddy.url}/v1/feature-views`,
          ingestView('bench_kinesis', { type: 'kinesis', streamName: stream, startPosition: 'TRIM_HORIZON' }),
        );
        return waitCounted(eddy.url, 'bench_kinesis', n, 300_000, 20);
      });
      const done = run.result;
      const seconds = (done.at - started) / 1000;
      await eddy.stop();

      // The ceiling on 2 cores: the same loop beside a process that keeps a core busy as much as Eddy did.
      const eddyShare = Math.min(1, run.cpu.eddy! / seconds);
      ctx.log(`kinesis: bare GetRecords loop beside ${Math.round(100 * eddyShare)}% of a core of CPU load`);
      const load = startCpuLoad(eddyShare, 330);
      const contended = await bareLoop().finally(() => load.stop());
      // kinesalite's speed drifts over a run: the baseline is the loop before and after Eddy, averaged.
      ctx.log('kinesis: bare GetRecords loop again');
      const bareAfter = await bareLoop();
      const bare = {
        records: bareBefore.records + bareAfter.records,
        seconds: bareBefore.seconds + bareAfter.seconds,
        kinesaliteCpu: bareBefore.kinesaliteCpu + bareAfter.kinesaliteCpu,
        kinesaliteWaited: bareBefore.kinesaliteWaited + bareAfter.kinesaliteWaited,
      };

      const share = (cpu: number, s: number) => `${Math.round((100 * cpu) / s)}%`;
      const rate = n / seconds;
      const contendedRate = contended.records / contended.seconds;
      return [
        judge({
          scenario: `ingest via Kinesis, ${n.toLocaleString('en-US')} records, ${SHARDS} shards`,
          figure: 'records/s into online state',
          value: rate,
          unit: 'rec/s',
          baseline: { label: 'bare GetRecords loop, before and after', value: bare.records / bare.seconds },
          target: { op: '>=', limit: 0.9 },
          notes:
            `Eddy ${seconds.toFixed(2)} s from registering the view to all counted (${JSON.stringify(done.counts)}), ` +
            `the first counted after ${((done.firstAt - started) / 1000).toFixed(2)} s; bare loop ` +
            `${bareBefore.seconds.toFixed(2)} s before Eddy, ${bareAfter.seconds.toFixed(2)} s after. CPU of one core while Eddy ran: kinesalite ` +
            `${share(run.cpu.kinesalite!, seconds)}, Eddy ${share(run.cpu.eddy!, seconds)}, Redis ` +
            `${share(run.cpu.redis!, seconds)}; while the loop ran: kinesalite ` +
            `${share(bare.kinesaliteCpu, bare.seconds)}. kinesalite's main thread waited for a free core ` +
            `${share(run.waited.kinesalite!, seconds)} of the time while Eddy ran, ` +
            `${share(bare.kinesaliteWaited, bare.seconds)} while the loop ran. kinesalite CPU per 1,000 records: ` +
            `${((1000 * bare.kinesaliteCpu) / bare.records).toFixed(3)} s (loop), ${((1000 * run.cpu.kinesalite!) / n).toFixed(3)} s (Eddy). ` +
            `Ceiling on this machine: the loop beside a process busy ${share(eddyShare, 1)} of a core (Eddy's share) ` +
            `drains ${Math.round(contendedRate).toLocaleString('en-US')} rec/s ` +
            `(${(contendedRate / (bare.records / bare.seconds)).toFixed(2)}× of alone; kinesalite waited for a core ` +
            `${share(contended.kinesaliteWaited, contended.seconds)} of the time); Eddy reaches ` +
            `${(rate / contendedRate).toFixed(2)}× of that`,
        }),
      ];
    } finally {
      await eddy.stop();
      redis.disconnect();
    }
  } finally {
    client.destroy();
  }
}

/** Partition keys `probe-…`, one landing in each shard (by the MD5 hash-key ranges of ListShards). */
async function probesPerShard(
  client: ReturnType<typeof createKinesisClient>,
  stream: string,
): Promise<string[]> {
  const shards = ((await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? []).map(
    (s) => ({
      lo: BigInt(s.HashKeyRange!.StartingHashKey!),
      hi: BigInt(s.HashKeyRange!.EndingHashKey!),
    }),
  );
  const found: (string | undefined)[] = shards.map(() => undefined);
  for (let i = 0; found.includes(undefined) && i < 10_000; i++) {
    const key = `probe-${i}`;
    const hash = BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
    const at = shards.findIndex((s) => hash >= s.lo && hash <= s.hi);
    if (at >= 0 && found[at] === undefined) found[at] = key;
  }
  return found.map((k) => k!);
}

export async function freshnessScenario(ctx: BenchContext): Promise<Figure[]> {
  const seconds = ctx.quick ? 10 : 30;
  const warmSeconds = 3;
  const perBatch = 200; // every 100 ms: 2,000 records/s
  const sensors = 2_000;
  const stream = `bench-fresh-${Date.now()}`;
  const client = createKinesisClient({
    endpoint: ctx.kinesisEndpoint,
    region: 'us-east-1',
    dummyCredentials: true,
  });
  const eddy = await startKinesisEddy(ctx, `${ctx.keyPrefix}-f`);
  try {
    await ensureStream(client, stream, SHARDS);
    const probes = await probesPerShard(client, stream);
    await call(
      'POST',
      `${eddy.url}/v1/feature-views`,
      ingestView('bench_fresh', { type: 'kinesis', streamName: stream, startPosition: 'TRIM_HORIZON' }),
    );
    // The stream is new and empty: TRIM_HORIZON reads exactly what is produced from here on.
    await sleep(1000); // the readers take the view and their shards' iterators

    const random = rng(5);
    const putAt = new Map<number, number>(); // batch number -> time its PutRecords returned
    const seen = probes.map(() => 0); // per probe: highest batch number visible
    const samples: number[] = [];
    const measureFrom = warmSeconds * 10 + 1;
    let producing = true;
    let lastPut = 0;
    let sensor = 0;

    const poller = (async () => {
      const body = JSON.stringify({
        featureView: 'bench_fresh',
        entities: probes,
        features: ['temp_last'],
        asOf: 'latest',
      });
      while (producing || seen.some((s) => s < putAt.size)) {
        const res = await call<{ results: { values: { temp_last: number | null } }[] }>(
          'POST',
          `${eddy.url}/v1/online-features`,
          body,
        );
        const now = performance.now();
        res.results.forEach((r, j) => {
          const value = r.values.temp_last ?? 0;
          for (let k = seen[j]! + 1; k <= value; k++) {
            const put = putAt.get(k);
            if (k >= measureFrom) samples.push(put === undefined ? 0 : Math.max(0, now - put));
          }
          if (value > seen[j]!) seen[j] = value;
        });
        if (!producing && now - lastPut > 10_000) break; // a probe never showed up: reported as missing
        await sleep(10);
      }
    })();

    ctx.log(
      `freshness: ${(perBatch * 10).toLocaleString('en-US')} records/s for ${warmSeconds} + ${seconds} s`,
    );
    const started = performance.now();
    const batches = (warmSeconds + seconds) * 10;
    for (let k = 1; k <= batches; k++) {
      await sleep(started + (k - 1) * 100 - performance.now());
      const now = Date.now();
      const entries: PutRecordsRequestEntry[] = probes.map((p) => ({
        PartitionKey: p,
        Data: encoder.encode(JSON.stringify({ sensor_id: p, ts: now, temperature: k })),
      }));
      while (entries.length < perBatch) {
        const r = reading(sensorId(sensor++ % sensors), now, random);
        entries.push({ PartitionKey: r.sensor_id, Data: encoder.encode(JSON.stringify(r)) });
      }
      const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
      lastPut = performance.now();
      if ((out.FailedRecordCount ?? 0) > 0)
        throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
      putAt.set(k, lastPut);
    }
    producing = false;
    await poller;
    const expected = seconds * 10 * probes.length;
    samples.sort((a, b) => a - b);
    const achieved = (batches * perBatch) / ((lastPut - started) / 1000);
    const notes = `${samples.length} of ${expected} probe samples seen (poll every 10 ms); produced ${Math.round(achieved).toLocaleString('en-US')} records/s`;
    if (samples.length < expected)
      throw new Error(`freshness: only ${samples.length} of ${expected} probes became visible`);
    const scenario = `freshness via Kinesis, 2,000 rec/s, ${SHARDS} shards`;
    return [
      judge({
        scenario,
        figure: 'p50 put → visible',
        value: percentile(samples, 0.5),
        unit: 'ms',
        baseline: null,
        target: { op: '<=', limit: 1000 },
        notes,
      }),
      judge({
        scenario,
        figure: 'p99 put → visible',
        value: percentile(samples, 0.99),
        unit: 'ms',
        baseline: null,
        target: { op: '<=', limit: 1000 },
      }),
    ];
  } finally {
    client.destroy();
    await eddy.stop();
  }
}
