/**
 * Process entry: `all` (API + workers, `npm start`), `api` (`npm run start:api`), `worker` (`npm run start:worker`).
 * Only starts and stops the process; everything else is built by src/compose.ts.
 */
import { pino } from 'pino';
import { compose } from '../src/compose.js';
import { type Config, ConfigError, parseConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import {
  answers,
  type PrivateRedis,
  redisServerAvailable,
  startPrivateRedis,
} from '../src/runtime/redis-server.js';

type Role = 'all' | 'api' | 'worker';

const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

async function resolveRedis(
  config: Config,
  log: pino.Logger,
): Promise<{ url: string; owned: PrivateRedis | null }> {
  if (config.redisUrl) return { url: config.redisUrl, owned: null };
  if (await answers(DEFAULT_REDIS)) return { url: DEFAULT_REDIS, owned: null };
  if (!redisServerAvailable()) {
    throw new Error(
      'no Redis answers at 127.0.0.1:6379 and redis-server is not installed. Install it (Debian: apt-get install -y redis-server), ' +
        'start one, or set REDIS_URL=redis://host:port',
    );
  }
  const owned = await startPrivateRedis();
  log.warn(
    { url: owned.url },
    'no Redis at 127.0.0.1:6379: started a private redis-server (in memory; stops with Eddy)',
  );
  return { url: owned.url, owned };
}

async function main() {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!['all', 'api', 'worker'].includes(role))
    throw new Error(`unknown role '${role}' (use all, api or worker)`);
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`eddy: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ level: config.logLevel, base: { role } });
  const redis = await resolveRedis(config, log);
  const runtime = await compose(config, redis.url, log, { api: role !== 'worker', worker: role !== 'api' });
  const app =
    role === 'worker'
      ? null
      : await buildApp(runtime.deps, { loggerInstance: log.child({ component: 'http' }) });
  if (app) {
    await app.listen({ host: config.host, port: config.port });
    log.info(
      { url: `http://${config.host}:${config.port}`, docs: `http://${config.host}:${config.port}/docs` },
      'Eddy API listening',
    );
  }
  if (runtime.workers) log.info({ lanes: config.pushLanes }, 'push-lane workers running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: forcing exit');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown timed out: forcing exit');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    await app?.close(); // phase 1: stop taking requests, finish those in flight
    await runtime.close(); // phase 2: let in-flight batches finish, close queues and connections
    await redis.owned?.stop(); // phase 3: the private Redis, if we started it
    clearTimeout(force);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`eddy: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
