/**
 * Kinesis scenarios, against kinesalite in its own process.
 *
 * - Ingest: N sensor readings are put into a 4-shard stream; a bare GetRecords loop (get-records-child.ts, its own
 *   process) drains it, and Eddy does (a view on the stream from TRIM_HORIZON, registered while Eddy runs, its
 *   time from the registration to the status counting all N; each Eddy process is first warmed up on a view of a
 *   small stream of its own, as in the push scenario), and the rates are compared. The judged figure has
 *   kinesalite first on the CPU (both readers, loop and Eddy, under the idle policy): kinesalite stands in for a
 *   remote service, and on 2 cores it would otherwise be slowed by whichever reader spends more CPU beside it.
 *   Eddy drains three times and the loop four times around them, since kinesalite's speed drifts (once and twice
 *   with --quick). A second figure (full run only), shown but not judged, runs everything under the normal policy, with the ceiling of that set-up in its notes:
 *   the loop again, beside a process keeping a core as busy as Eddy kept it.
 * - Freshness: a steady 2,000 records/s over 4 shards (a PutRecords of 200 every 100 ms). Every batch carries one
 *   probe record per shard whose value is the batch's number; a poller reads the probes through the online API
 *   every 10 ms. A sample is the time from the PutRecords call returning to the first read that shows its value.
 */
import { createHash } from 'node:crypto';
import { ListShardsCommand, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { Redis } from 'ioredis';
import { createKinesisClient } from '../../../src/adapters/kinesis/client.js';
import { ensureStream, produce } from '../../../src/adapters/kinesis/producer.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { ingestView, reading, sensorId } from '../data.js';
import { runChild, type ServerProcess, startCpuLoad, startEddy } from '../lib/children.js';
import { type BenchContext, eddyEnv } from '../lib/context.js';
import { measureCpu } from '../lib/cpu.js';
import { call, sleep, waitCounted } from '../lib/http.js';
import { type Figure, judge, observe } from '../lib/report.js';
import { percentile } from '../lib/stats.js';

const SHARDS = 4;
/** Records of the stream every Eddy process of the ingest scenario is warmed up on (full run, --quick). */
const WARM_UP_RECORDS = { full: 20_000, quick: 8_000 };
const encoder = new TextEncoder();

/**
 * Eddy with its default Kinesis settings (a caught-up shard is polled every 250 ms; a registered view starts
 * reading at once, woken by the registry's change message, and discovery rounds come every 5 s).
 */
function startKinesisEddy(ctx: BenchContext, prefix: string, idle = false): Promise<ServerProcess> {
  return startEddy(ctx.redisUrl, {
    env: eddyEnv(ctx, prefix),
    ...(ctx.cpuProfileDir && { cpuProfileDir: ctx.cpuProfileDir }),
    idle,
  });
}

/** One drain of the stream (by the bare loop or by Eddy), or several added up. */
interface Drain {
  records: number;
  seconds: number;
  /** CPU seconds while it ran: kinesalite, and (Eddy's runs) eddy and redis. */
  cpu: Record<string, number>;
  /** Seconds kinesalite's main thread waited for a free core. */
  kinesaliteWaited: number;
}

function total(drains: readonly Drain[]): Drain {
  const cpu: Record<string, number> = {};
  for (const d of drains) for (const [k, v] of Object.entries(d.cpu)) cpu[k] = (cpu[k] ?? 0) + v;
  return {
    records: drains.reduce((a, d) => a + d.records, 0),
    seconds: drains.reduce((a, d) => a + d.seconds, 0),
    cpu,
    kinesaliteWaited: drains.reduce((a, d) => a + d.kinesaliteWaited, 0),
  };
}

const rateOf = (d: Drain) => d.records / d.seconds;

export async function kinesisIngestScenario(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 60_000 : 400_000;
  const warmUpRecords = ctx.quick ? WARM_UP_RECORDS.quick : WARM_UP_RECORDS.full;
  /** Eddy's drains in the judged figure; the loop drains once more, around them. */
  const eddyDrains = ctx.quick ? 1 : 3;
  const sensors = 2_000;
  const stream = `bench-ingest-${Date.now()}`;
  const warmStream = `${stream}-warm-up`;
  const client = createKinesisClient({
    endpoint: ctx.kinesisEndpoint,
    region: 'us-east-1',
    dummyCredentials: true,
  });
  const redis = new Redis(ctx.redisUrl);
  try {
    // The measured stream, and a small one every Eddy process is warmed up on first (JIT, connections, scripts),
    // as in the push scenario, so the measured view starts in a warm process.
    const readings = (count: number, seed: number, endMs: number) => {
      const random = seededRandom(seed);
      const perSensor = count / sensors;
      const out = [];
      for (let k = 0; k < perSensor; k++) {
        for (let i = 0; i < sensors; i++) {
          const r = reading(sensorId(i), endMs - (perSensor - k) * 10_000, random);
          out.push({ data: encoder.encode(JSON.stringify(r)), partitionKey: r.sensor_id });
        }
      }
      return out;
    };
    const end = Date.now();
    ctx.log(
      `kinesis: putting ${n} records into ${SHARDS} shards, and ${warmUpRecords} into a warm-up stream`,
    );
    await ensureStream(client, stream, SHARDS);
    await produce(client, stream, readings(n, 11, end));
    await ensureStream(client, warmStream, SHARDS);
    await produce(client, warmStream, readings(warmUpRecords, 12, end));

    const bareLoop = async (idle = false): Promise<Drain> => {
      const run = await measureCpu({ kinesalite: ctx.kinesisPid }, null, () =>
        runChild('test/bench/get-records-child.ts', [ctx.kinesisEndpoint, stream, String(n)], 330_000, idle),
      );
      const out = JSON.parse(run.result) as { records: number; seconds: number };
      if (out.records < n) throw new Error(`the GetRecords loop read ${out.records} of ${n} records`);
      return { ...out, cpu: run.cpu, kinesaliteWaited: run.waited.kinesalite! };
    };
    /**
     * Eddy reading the whole stream into a view of its own (a fresh key prefix): from registering it to all
     * counted, after a warm-up view on the warm-up stream has read all of it and been deleted.
     */
    const eddyRun = async (prefix: string, idle = false) => {
      const eddy = await startKinesisEddy(ctx, prefix, idle);
      try {
        const warm = ingestView('bench_kinesis_warm_up', {
          type: 'kinesis',
          streamName: warmStream,
          startPosition: 'TRIM_HORIZON',
        });
        await call('POST', `${eddy.url}/v1/feature-views`, warm);
        await waitCounted(eddy.url, warm.name, warmUpRecords, 60_000, 20);
        await call('DELETE', `${eddy.url}/v1/feature-views/${warm.name}`);
        const started = performance.now();
        const run = await measureCpu({ kinesalite: ctx.kinesisPid, eddy: eddy.pid }, redis, async () => {
          await call(
            'POST',
            `${eddy.url}/v1/feature-views`,
            ingestView('bench_kinesis', {
              type: 'kinesis',
              streamName: stream,
              startPosition: 'TRIM_HORIZON',
            }),
          );
          return waitCounted(eddy.url, 'bench_kinesis', n, 300_000, 20);
        });
        const { counts } = run.result;
        if (counts.accepted !== n)
          throw new Error(`Eddy accepted ${counts.accepted} of ${n}: ${JSON.stringify(counts)}`);
        return {
          records: n,
          seconds: (run.result.at - started) / 1000,
          firstSeconds: (run.result.firstAt - started) / 1000,
          cpu: run.cpu,
          kinesaliteWaited: run.waited.kinesalite!,
        };
      } finally {
        await eddy.stop();
      }
    };
    type EddyDrain = Awaited<ReturnType<typeof eddyRun>>;
    const share = (cpu: number, s: number) => `${Math.round((100 * cpu) / s)}%`;
    const times = (drains: readonly Drain[]) => drains.map((d) => `${d.seconds.toFixed(2)} s`).join(', ');
    /** What both ingest figures say about Eddy's runs and the loops around them. */
    const runNotes = (eddyRuns: readonly EddyDrain[], loops: readonly Drain[]) => {
      const eddy = total(eddyRuns);
      const bare = total(loops);
      const perThousand = (d: Drain) => `${((1000 * d.cpu.kinesalite!) / d.records).toFixed(3)} s`;
      return (
        `Eddy from registering its view to all ${n.toLocaleString('en-US')} counted: ${times(eddyRuns)} (the first ` +
        `counted after ${eddyRuns.map((r) => `${r.firstSeconds.toFixed(2)} s`).join(', ')}); bare loop, in the ` +
        `order run: ${times(loops)}. CPU of one core while Eddy ran: kinesalite ${share(eddy.cpu.kinesalite!, eddy.seconds)}, ` +
        `Eddy ${share(eddy.cpu.eddy!, eddy.seconds)}, Redis ${share(eddy.cpu.redis!, eddy.seconds)}; while the loop ran: ` +
        `kinesalite ${share(bare.cpu.kinesalite!, bare.seconds)}. kinesalite's main thread waited for a free core ` +
        `${share(eddy.kinesaliteWaited, eddy.seconds)} of the time while Eddy ran, ${share(bare.kinesaliteWaited, bare.seconds)} ` +
        `while the loop ran. kinesalite CPU per 1,000 records: ${perThousand(bare)} (loop), ${perThousand(eddy)} (Eddy)`
      );
    };
    const scenario = `ingest via Kinesis, ${n.toLocaleString('en-US')} records, ${SHARDS} shards`;

    // 1. Judged: kinesalite first on the CPU. kinesalite stands in for Kinesis, a service on machines of its own:
    //    both readers (the loop, Eddy) run under the idle policy, so the figure compares the readers, not how much
    //    of kinesalite's core each one takes. kinesalite's own speed drifts by several percent from one drain to
    //    the next: Eddy drains three times (once with --quick), the loop before, between and after, and each side
    //    is its drains added up.
    const firstLoops: Drain[] = [];
    const firstEddy: EddyDrain[] = [];
    ctx.log('kinesis: kinesalite first on the CPU (readers under SCHED_IDLE): bare GetRecords loop');
    firstLoops.push(await bareLoop(true));
    for (let k = 1; k <= eddyDrains; k++) {
      ctx.log(`kinesis: kinesalite first: Eddy (${k} of ${eddyDrains}), then the loop`);
      firstEddy.push(await eddyRun(`${ctx.keyPrefix}-first-${k}`, true));
      firstLoops.push(await bareLoop(true));
    }
    const judged = judge({
      scenario,
      figure: 'records/s into online state (kinesalite first on the CPU)',
      value: rateOf(total(firstEddy)),
      unit: 'rec/s',
      baseline: {
        label: `bare GetRecords loop, ${firstLoops.length} drains around Eddy’s ${eddyDrains}`,
        value: rateOf(total(firstLoops)),
      },
      target: { op: '>=', limit: 0.9 },
      notes: `Eddy and the loop under SCHED_IDLE, kinesalite and Redis not. ${runNotes(firstEddy, firstLoops)}`,
    });
    if (ctx.quick) {
      // Shown, not judged: a 60,000-record stream drains in about 1.5 s, where Eddy's fixed latency from the last
      // page to its records being counted (one batch applied after kinesalite has served everything, about
      // 0.2 s) weighs 10% and more; that is latency, not the drain rate this figure is about. The full run
      // (400,000 records, three drains) judges it; the equal-priority figure is the full run's only.
      return [
        {
          ...judged,
          pass: null,
          notes: `--quick: shown, not judged (judge it on the full run: the short stream makes Eddy's fixed end latency weigh 10% and more). ${judged.notes}`,
        },
      ];
    }

    // 2. Shown: every process under the normal policy, as on a 2-core machine running all of it; and the ceiling
    //    there: the loop beside a process that keeps a core as busy as Eddy kept it.
    ctx.log('kinesis: equal priorities: bare GetRecords loop');
    const sharedBefore = await bareLoop();
    ctx.log('kinesis: equal priorities: Eddy');
    const shared = await eddyRun(`${ctx.keyPrefix}-shared`);
    const eddyShare = Math.min(1, shared.cpu.eddy! / shared.seconds);
    ctx.log(`kinesis: bare GetRecords loop beside ${Math.round(100 * eddyShare)}% of a core of CPU load`);
    const load = startCpuLoad(eddyShare, 330);
    const contended = await bareLoop().finally(() => load.stop());
    ctx.log('kinesis: equal priorities: bare GetRecords loop again');
    const sharedAfter = await bareLoop();
    const sharedBare = total([sharedBefore, sharedAfter]);

    return [
      judged,
      observe({
        scenario,
        figure: 'records/s into online state (equal priorities)',
        value: rateOf(shared),
        unit: 'rec/s',
        baseline: { label: 'bare GetRecords loop, before and after', value: rateOf(sharedBare) },
        notes:
          `Every process under the normal policy: Eddy and kinesalite compete for the 2 cores. ` +
          `${runNotes([shared], [sharedBefore, sharedAfter])}. Ceiling on this machine: the loop beside a process ` +
          `busy ${share(eddyShare, 1)} of a core (Eddy's share) drains ${Math.round(rateOf(contended)).toLocaleString('en-US')} ` +
          `rec/s (${(rateOf(contended) / rateOf(sharedBare)).toFixed(2)}× of alone; kinesalite waited for a core ` +
          `${share(contended.kinesaliteWaited, contended.seconds)} of the time); Eddy reaches ` +
          `${(rateOf(shared) / rateOf(contended)).toFixed(2)}× of that`,
      }),
    ];
  } finally {
    redis.disconnect();
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

    const random = seededRandom(5);
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
