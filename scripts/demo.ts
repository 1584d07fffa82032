/**
 * `npm run demo`: Eddy end to end on real sensor data, in one process.
 *
 * Starts Redis (REDIS_URL, else 127.0.0.1:6379 when it answers, else a private redis-server), the embedded
 * Kinesis emulator, the SageMaker Feature Store emulator and Eddy (API + workers, built by src/assemble.ts's
 * startRuntime and buildEddyApp); creates a 2-shard stream; registers the demo view (src/demo/demo-view.ts); replays the NAB series in
 * data/nab through Kinesis with their original timestamps, compressed; prints the dashboard URL and a short tour.
 * Ctrl-C stops everything it started, and deletes its keys from a Redis it did not start.
 *
 *   npm run demo -- [--speed 1d] [--sensors machine_temperature,cpu_utilization] [--shards 2]
 *
 * Every Eddy setting still comes from the environment (README "Configuration"); the demo only changes defaults:
 * LOG_LEVEL=warn (logs go to stderr), KINESIS_ENDPOINT=embedded, a quick shard-reader cadence, a key prefix of its
 * own, and SAGEMAKER_FEATURESTORE_ENDPOINT = the emulator it starts (unless set).
 */
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { createKinesisClient } from '../src/adapters/kinesis/client.js';
import { ensureStream, produce } from '../src/adapters/kinesis/producer.js';
import { dropPrefix } from '../src/adapters/redis/drop-prefix.js';
import { buildEddyApp, type EddyRuntime, startRuntime } from '../src/assemble.js';
import { type Config, ConfigError, parseConfig } from '../src/config.js';
import { DEMO_FEATURE_GROUP, DEMO_FIELDS, DEMO_STREAM, DEMO_VIEW, demoView } from '../src/demo/demo-view.js';
import { loadNabSeries } from '../src/demo/nab-files.js';
import { runReplay } from '../src/demo/replay.js';
import { toKinesisRecords } from '../src/demo/replay-records.js';
import { ReplaySchedule } from '../src/demo/replay-schedule.js';
import { tourText } from '../src/demo/tour.js';
import { type SageMakerEmulator, startSageMakerEmulator } from '../src/emulator/sagemaker/index.js';
import type { App } from '../src/http/app.js';
import { createLogger } from '../src/runtime/logger.js';
import { resolveRedis } from '../src/runtime/resolve-redis.js';
import { exitOnSignals } from '../src/runtime/shutdown.js';
import { parseDemoArgs } from './lib/demo-args.js';

/** The SageMaker emulator's usual port; any free port when it is taken. */
const EMULATOR_PORT = 4568;

const say = (line = '') => process.stdout.write(`${line}\n`);
const fail = (message: string, code = 2): never => {
  console.error(`demo: ${message}`);
  process.exit(code);
};

/** Set once Eddy runs: stops everything the demo started (a fatal error after that point uses it). */
let stopAndExit: ((code: number) => Promise<void>) | null = null;

async function main() {
  const args = parseDemoArgs(fail);
  if (!args) return;
  const { env, ownPrefix } = demoEnv();
  let config = parseOrExit(env);
  // Logs (JSON lines) go to stderr, so the tour on stdout stays readable.
  const log = createLogger(config, { role: 'demo' }, pino.destination(2));

  const redis = await resolveRedis(config.redisUrl, log);
  // Last resort: a private redis-server never outlives the demo, however it ends.
  if (redis.owned) process.once('exit', () => redis.owned?.process.kill('SIGKILL'));
  const emulator = config.sagemakerEndpoint ? null : await startEmulator(env);
  if (emulator) config = parseOrExit(env);

  const runtime = await startRuntime(config, redis.url, log, { api: true, worker: true });
  const app = await buildEddyApp(runtime.deps, { loggerInstance: log.child({ component: 'http' }) });
  const base = await listenAnyPort(app, config);
  const abort = new AbortController();
  const kinesisEndpoint = runtime.workers?.kinesis.endpoint ?? null;
  const kinesis = createKinesisClient({
    endpoint: kinesisEndpoint,
    region: config.awsRegion,
    dummyCredentials: config.kinesisEndpoint === 'embedded',
  });
  runtime.shutdown.add('intake', 'demo replay', () => abort.abort());
  runtime.shutdown.add('intake', 'http server', () => app.close());
  runtime.shutdown.add('disconnect', 'demo kinesis client', () => kinesis.destroy());
  if (emulator) runtime.shutdown.add('disconnect', 'sagemaker emulator', () => emulator.close());
  if (redis.owned) runtime.shutdown.add('disconnect', 'private redis-server', () => redis.owned!.stop());
  handleStop({ runtime, log, config, abort, dropKeys: ownPrefix && !redis.owned ? redis.url : null });

  await ensureStream(kinesis, DEMO_STREAM, args.shards);
  const auth = writeKey(config.apiKeys);
  await registerDemoView(app, auth);
  // Start once the shard readers hold every shard, so Eddy keeps pace from the first reading (no backlog burst).
  await readersReady(app, auth, args.shards, abort.signal);

  const loaded = await loadNabSeries(args.series);
  const schedule = new ReplaySchedule(loaded, args.dataMsPerSecond);
  say(
    tourText({
      base,
      emulator: emulator?.url ?? null,
      kinesis: kinesisEndpoint ?? 'AWS',
      keyed: config.apiKeys.length > 0,
      sensors: loaded.map((s) => s.sensor),
      readings: schedule.total,
      speed: args.speed,
      shards: args.shards,
      seconds: schedule.durationMs / 1000,
    }),
  );
  await replay(kinesis, schedule, loaded[0]!.sensor, abort.signal);
}

/** The environment with the demo's defaults under it; `ownPrefix` when the demo chose the key prefix. */
function demoEnv(): { env: Record<string, string | undefined>; ownPrefix: boolean } {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const ownPrefix = !process.env.EDDY_KEY_PREFIX;
  const env: Record<string, string | undefined> = {
    LOG_LEVEL: 'warn',
    KINESIS_ENDPOINT: 'embedded',
    EDDY_KINESIS_IDLE_MS: '250',
    EDDY_KINESIS_DISCOVERY_MS: '1000',
    EDDY_KEY_PREFIX: `demo-${Date.now().toString(36)}`,
    ...process.env,
  };
  return { env, ownPrefix };
}

/** The SageMaker emulator with the demo's feature group; sets `env`'s endpoint to it. */
async function startEmulator(env: Record<string, string | undefined>): Promise<SageMakerEmulator> {
  const featureGroups = {
    [DEMO_FEATURE_GROUP]: {
      recordIdentifierFeatureName: DEMO_FIELDS.entity,
      eventTimeFeatureName: 'event_time',
    },
  };
  const emulator = await startSageMakerEmulator({ port: EMULATOR_PORT, featureGroups }).catch(() =>
    startSageMakerEmulator({ port: 0, featureGroups }),
  );
  env.SAGEMAKER_FEATURESTORE_ENDPOINT = emulator.url;
  // The emulator accepts any credentials; the SDK's default chain needs some to sign.
  process.env.AWS_ACCESS_KEY_ID ??= 'demo';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
  return emulator;
}

/** Listens on the configured port, or any free one when 3000 is taken and PORT was not set. Returns the base URL. */
async function listenAnyPort(app: App, config: Config): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || config.portExplicit) throw err;
    await app.listen({ host: config.host, port: 0 });
  }
  return `http://${config.host}:${(app.server.address() as AddressInfo).port}`;
}

/**
 * Ctrl-C and fatal errors: Eddy's phased shutdown (bounded), then, when `dropKeys` names the Redis the demo did
 * not start, the demo's keys leave it (bounded too), whatever the phases managed in their time.
 */
function handleStop(s: {
  runtime: EddyRuntime;
  log: Logger;
  config: Config;
  abort: AbortController;
  dropKeys: string | null;
}): void {
  const { runtime, log, config, abort, dropKeys } = s;
  const finish = async (code: number) => {
    if (dropKeys !== null) {
      await Promise.race([
        dropPrefix(dropKeys, config.keyPrefix).catch(() => 0),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
    }
    say(code === 0 ? 'demo: stopped.' : 'demo: stopped (some steps did not finish in time).');
    process.exit(code);
  };
  exitOnSignals(runtime.shutdown, {
    log,
    exit: (code) => void finish(code),
    hardStopMs: config.shutdownTimeoutMs + 1500,
  });
  stopAndExit = async (code) => {
    await runtime.shutdown.run();
    await finish(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Stop producing at once: the readers then only finish the batch they hold.
      abort.abort();
      say('\ndemo: stopping…');
    });
  }
}

async function registerDemoView(app: App, auth: string | null): Promise<void> {
  const registered = await app.inject({
    method: 'PUT',
    url: `/v1/feature-views/${DEMO_VIEW}`,
    payload: demoView(DEMO_STREAM),
    headers: auth ? { authorization: `Bearer ${auth}` } : {},
  });
  if (registered.statusCode >= 300) throw new Error(`registering the demo view failed: ${registered.body}`);
}

/** Sends the schedule into the demo stream, reporting progress every 15 s. */
async function replay(
  kinesis: ReturnType<typeof createKinesisClient>,
  schedule: ReplaySchedule,
  firstSensor: string,
  signal: AbortSignal,
): Promise<void> {
  let reported = Date.now();
  const finished = await runReplay({
    schedule,
    signal,
    send: async (records) => {
      await produce(kinesis, DEMO_STREAM, toKinesisRecords(records));
    },
    onProgress: (sent, elapsed) => {
      if (Date.now() - reported < 15_000) return;
      reported = Date.now();
      const day = new Date(schedule.dataTime(0, elapsed)).toISOString().slice(0, 10);
      say(
        `  … ${sent.toLocaleString('en-US')} of ${schedule.total.toLocaleString('en-US')} readings sent (${firstSensor} at ${day})`,
      );
    },
  });
  if (finished) {
    say(
      `\nReplay finished: ${schedule.total.toLocaleString('en-US')} readings sent. Eddy keeps serving; Ctrl-C stops the demo.`,
    );
  }
}

async function readersReady(
  app: App,
  auth: string | null,
  shards: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!signal.aborted && Date.now() < deadline) {
    const res = await app.inject({
      url: `/v1/feature-views/${DEMO_VIEW}/status`,
      headers: auth ? { authorization: `Bearer ${auth}` } : {},
    });
    const owned = (res.json().kinesis?.shards ?? []).filter((s: { owner: string | null }) => s.owner).length;
    if (owned >= shards) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!signal.aborted) say('demo: the shard readers are slow to start; replaying anyway');
}

function parseOrExit(env: Record<string, string | undefined>) {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid configuration: ${err.message}`);
    throw err;
  }
}

/** A configured key allowed to register views, if keys are configured. */
function writeKey(keys: ReturnType<typeof parseConfig>['apiKeys']): string | null {
  const key = keys.find((k) => k.scopes.has('admin')) ?? keys.find((k) => k.scopes.has('write'));
  if (keys.length > 0 && !key) fail('EDDY_API_KEYS has no admin or write key to register the demo view with');
  return key?.key ?? null;
}

main().catch(async (err) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  if (stopAndExit) await stopAndExit(1);
  process.exit(1);
});
