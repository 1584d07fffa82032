/**
 * Process entry: `all` (API + workers, `npm start`), `api` (`npm run start:api`), `worker` (`npm run start:worker`).
 * Only starts and stops the process; everything else is built by src/compose.ts.
 */
import type { AddressInfo } from 'node:net';
import { buildEddyApp, startRuntime } from './assemble.js';
import { type Config, ConfigError, parseConfig } from './config.js';
import { assertAuthConfigured } from './http/plugins/auth.js';
import { createLogger } from './runtime/logger.js';
import { resolveRedis } from './runtime/resolve-redis.js';
import { exitOnSignals } from './runtime/shutdown.js';

type Role = 'all' | 'api' | 'worker';

async function main() {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!['all', 'api', 'worker'].includes(role))
    throw new Error(`unknown role '${role}' (use all, api or worker)`);
  let config: Config;
  try {
    config = parseConfig(process.env);
    if (role !== 'worker') assertAuthConfigured(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`eddy: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config, { role });
  // A Redis Cluster (REDIS_CLUSTER_NODES) is used as given; else REDIS_URL, or the defaults resolveRedis finds.
  const redis = config.redisCluster ? { url: '', owned: null } : await resolveRedis(config.redisUrl, log);
  const runtime = await startRuntime(config, redis.url, log, {
    api: role !== 'worker',
    worker: role !== 'api',
  });
  // A worker serves only /healthz, /readyz and /metrics, and only when PORT is set (several workers can then
  // run on one host without fighting over a default port).
  const serve = role !== 'worker' || config.portExplicit;
  const app = serve
    ? await buildEddyApp(runtime.deps, {
        loggerInstance: log.child({ component: 'http' }),
        surface: role === 'worker' ? 'operations' : 'api',
      })
    : null;
  if (app) {
    await app.listen({ host: config.host, port: config.port });
    const url = `http://${config.host}:${(app.server.address() as AddressInfo).port}`;
    if (role === 'worker') log.info({ url }, 'operations endpoints listening (/healthz, /readyz, /metrics)');
    else log.info({ url, docs: `${url}/docs` }, 'Eddy API listening');
    runtime.shutdown.add('intake', 'http server', () => app.close());
  }
  if (runtime.workers) log.info({ lanes: config.pushLanes }, 'push-lane workers running');
  if (redis.owned) runtime.shutdown.add('services', 'private redis-server', () => redis.owned!.stop());

  // Shutdown phases (src/runtime/shutdown.ts); a second signal exits at once.
  exitOnSignals(runtime.shutdown, {
    log,
    exit: (code) => process.exit(code),
    hardStopMs: config.shutdownTimeoutMs + 1500,
  });
}

main().catch((err) => {
  console.error(`eddy: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
