/**
 * Settings, all from the environment, parsed and validated once at start (no reads at import time).
 * `parseConfig` throws ConfigError naming the bad variable. Documented in the README "Configuration" table.
 */
export interface ApiKey {
  key: string;
  scopes: ReadonlySet<'admin' | 'read' | 'write'>;
}

export interface Config {
  host: string;
  port: number;
  /** PORT was set: a `worker` process then serves /healthz, /readyz and /metrics on it (otherwise no HTTP). */
  portExplicit: boolean;
  /** Unset: 127.0.0.1:6379, or a private redis-server when none answers there (`npm start` only). */
  redisUrl: string | null;
  /** `REDIS_CLUSTER_NODES`: seed nodes of a Redis Cluster; when set, every role runs on it instead of REDIS_URL. */
  redisCluster: RedisClusterConfig | null;
  /**
   * `EDDY_REDIS_WAIT_REPLICAS`: state writes (entity states, counters and marks, dead letters, queued push jobs,
   * view definitions) wait until this many replicas acknowledged them (Redis `WAIT`); 0 does not wait.
   */
  redisWaitReplicas: number;
  /** How long such a write waits for its replicas before it fails (and is retried), ms. */
  redisWaitTimeoutMs: number;
  /** Prefix of every Redis key Eddy writes (lets several deployments or tests share a server). */
  keyPrefix: string;
  kinesisEndpoint: string;
  awsRegion: string;
  sagemakerEndpoint: string | null;
  apiKeys: ApiKey[];
  /** Requests per minute per key (or per client address without keys). */
  rateLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  production: boolean;
  /** Ordered push lanes (parallelism of push ingestion). Must be equal in every process sharing a Redis. */
  pushLanes: number;
  /** How long `?wait=true` waits for records to be applied. */
  pushWaitTimeoutMs: number;
  /** How long a process trusts its cached "latest version" of a view. */
  viewCacheMs: number;
  /** Dead letters kept per view before the oldest are evicted. */
  deadLetterMax: number;
  /**
   * Caches of decoded entity states (the read path's, and each worker's write-through cache), each bounded to
   * this many encoded bytes (0: no caches).
   */
  stateCacheBytes: number;
  /** Historical features (training data): limits, memory bound and expiry (docs/operations.md). */
  historical: {
    uploadMaxBytes: number;
    uploadTtlMs: number;
    resultTtlMs: number;
    maxEvents: number;
    maxRows: number;
    concurrency: number;
  };
  /** Upper bound of the whole graceful shutdown (every phase together), ms. */
  shutdownTimeoutMs: number;
  /** /readyz fails while a shard this process reads is more than this far behind the stream's tip, ms. */
  readyMaxLagMs: number;
  /** Kinesis shard leases: a holder that stops renewing loses its shards after this long (also the batch job lock). */
  kinesisLeaseTtlMs: number;
  /** How often a worker re-reads the view registry, lists shards and rebalances leases. */
  kinesisDiscoveryMs: number;
  /** How long a shard reader waits between GetRecords calls once caught up. */
  kinesisIdleMs: number;
  /** Records asked for per GetRecords call (1..10000): the largest micro-batch. */
  kinesisRecordLimit: number;
  /** The SageMaker Feature Store sink (views with `sinks.sagemaker`). */
  sagemakerSink: SageMakerSinkConfig;
}

/** A Redis Cluster to connect to: seed nodes, and TLS and AUTH for every node (as REDIS_URL gives them). */
export interface RedisClusterConfig {
  nodes: { host: string; port: number }[];
  tls: boolean;
  username?: string;
  password?: string;
}

/** Settings of the SageMaker sink; every one has an `EDDY_SAGEMAKER_*` variable (README "Configuration"). */
export interface SageMakerSinkConfig {
  /** Send the view's ttl as the record's `TtlDuration`. @defaultValue false */
  sendTtl: boolean;
  /** PutRecord calls in flight per view being drained. @defaultValue 16 */
  concurrency: number;
  /** Views drained at once per worker process. @defaultValue 4 */
  drains: number;
  /** Attempts per write before it goes to the sink's dead-letter queue. @defaultValue 10 */
  maxAttempts: number;
  /** Full-jitter exponential backoff between attempts: base and cap, ms. @defaultValue 200, 30000 */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * Coalescing window, ms: a drain starts this long after the first change, and one entity is written at most
   * once per window. @defaultValue 200
   */
  lingerMs: number;
  /** Timeout of one PutRecord (connect, and response), ms. @defaultValue 5000 */
  requestTimeoutMs: number;
  /** How often pending entities are swept for a drain that was lost (crash), ms. @defaultValue 30000 */
  sweepMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(name, `must be true or false, got '${raw}'`);
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got '${raw}'`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got '${parsed.protocol}'`);
  }
  return raw;
}

export function parseApiKeys(raw: string | undefined): ApiKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const [scopeList, key, ...rest] = entry.trim().split(':');
    if (!scopeList || !key || rest.length > 0) {
      throw new ConfigError(
        'EDDY_API_KEYS',
        `each entry must be 'scopes:key' (scopes joined by '+'), got '${scopeList ?? ''}:…'`,
      );
    }
    if (key.length < 8) throw new ConfigError('EDDY_API_KEYS', 'keys must be at least 8 characters long');
    const scopes = scopeList.split('+');
    for (const s of scopes) {
      if (s !== 'admin' && s !== 'read' && s !== 'write') {
        throw new ConfigError('EDDY_API_KEYS', `unknown scope '${s}' (use admin, read, write)`);
      }
    }
    return { key, scopes: new Set(scopes as ('admin' | 'read' | 'write')[]) };
  });
}

/**
 * `REDIS_CLUSTER_NODES`: comma-separated `host:port` seed nodes, or `redis://` / `rediss://` URLs; a URL's scheme
 * (TLS) and credentials apply to every node (a cluster has one AUTH), so give them once, on any entry.
 */
export function parseClusterNodes(raw: string | undefined): RedisClusterConfig | null {
  if (raw === undefined || raw.trim() === '') return null;
  const name = 'REDIS_CLUSTER_NODES';
  const entries = raw.split(',').map((e) => e.trim());
  if (entries.length > 64) throw new ConfigError(name, 'at most 64 seed nodes');
  const out: RedisClusterConfig = { nodes: [], tls: false };
  for (const entry of entries) {
    let parsed: URL;
    try {
      parsed = new URL(/^[a-z]+:\/\//.test(entry) ? entry : `redis://${entry}`);
    } catch {
      throw new ConfigError(name, `each entry must be host:port or a redis:// URL, got '${entry}'`);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new ConfigError(name, `must use redis: or rediss:, got '${parsed.protocol}'`);
    }
    if (!parsed.hostname || !parsed.port)
      throw new ConfigError(name, `entry '${entry}' needs a host and a port`);
    out.nodes.push({ host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) });
    if (parsed.protocol === 'rediss:') out.tls = true;
    if (parsed.password) {
      out.password = decodeURIComponent(parsed.password);
      if (parsed.username) out.username = decodeURIComponent(parsed.username);
    }
  }
  return out;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function parseConfig(env: Env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const host = env.HOST ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('HOST', 'must not be empty');
  const kinesis = env.KINESIS_ENDPOINT ?? 'embedded';
  // 'embedded': kinesalite in process (development); 'aws': the SDK's default endpoint for AWS_REGION; else a URL.
  if (kinesis !== 'embedded' && kinesis !== 'aws') url(env, 'KINESIS_ENDPOINT', ['http:', 'https:']);
  const keyPrefix = env.EDDY_KEY_PREFIX ?? 'eddy';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(keyPrefix)) {
    throw new ConfigError('EDDY_KEY_PREFIX', 'must be 1-64 characters of letters, digits, _ . -');
  }
  const region = env.AWS_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new ConfigError('AWS_REGION', `is not a region name: '${region}'`);
  const production = env.NODE_ENV === 'production';
  const apiKeys = parseApiKeys(env.EDDY_API_KEYS);
  return {
    host,
    port: integer(env, 'PORT', 3000, 0, 65535),
    portExplicit: env.PORT !== undefined && env.PORT !== '',
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisCluster: parseClusterNodes(env.REDIS_CLUSTER_NODES),
    redisWaitReplicas: integer(env, 'EDDY_REDIS_WAIT_REPLICAS', 0, 0, 16),
    redisWaitTimeoutMs: integer(env, 'EDDY_REDIS_WAIT_TIMEOUT_MS', 2000, 10, 60_000),
    keyPrefix,
    kinesisEndpoint: kinesis,
    awsRegion: region,
    sagemakerEndpoint: url(env, 'SAGEMAKER_FEATURESTORE_ENDPOINT', ['http:', 'https:']),
    apiKeys,
    rateLimit: integer(env, 'EDDY_RATE_LIMIT', 6000, 1, 10_000_000),
    logLevel: logLevel as Config['logLevel'],
    production,
    pushLanes: integer(env, 'EDDY_PUSH_LANES', 4, 1, 64),
    pushWaitTimeoutMs: integer(env, 'EDDY_PUSH_WAIT_TIMEOUT_MS', 30_000, 100, 600_000),
    viewCacheMs: integer(env, 'EDDY_VIEW_CACHE_MS', 1000, 0, 60_000),
    deadLetterMax: integer(env, 'EDDY_DEAD_LETTER_MAX', 100_000, 1, 10_000_000),
    stateCacheBytes: integer(env, 'EDDY_STATE_CACHE_MB', 64, 0, 65_536) * 1024 * 1024,
    historical: {
      uploadMaxBytes: integer(env, 'EDDY_HISTORICAL_UPLOAD_MB', 1024, 1, 65_536) * 1024 * 1024,
      uploadTtlMs: integer(env, 'EDDY_HISTORICAL_UPLOAD_TTL_S', 86_400, 60, 30 * 86_400) * 1000,
      resultTtlMs: integer(env, 'EDDY_HISTORICAL_RESULT_TTL_S', 86_400, 60, 30 * 86_400) * 1000,
      maxEvents: integer(env, 'EDDY_HISTORICAL_MAX_EVENTS', 2_000_000, 100, 1_000_000_000),
      maxRows: integer(env, 'EDDY_HISTORICAL_MAX_ROWS', 1_000_000, 100, 1_000_000_000),
      concurrency: integer(env, 'EDDY_HISTORICAL_CONCURRENCY', 1, 1, 64),
    },
    shutdownTimeoutMs: integer(env, 'EDDY_SHUTDOWN_TIMEOUT_MS', 8000, 100, 120_000),
    readyMaxLagMs: integer(env, 'EDDY_READY_MAX_LAG_MS', 60_000, 0, 86_400_000),
    kinesisLeaseTtlMs: integer(env, 'EDDY_KINESIS_LEASE_TTL_MS', 10_000, 500, 120_000),
    kinesisDiscoveryMs: integer(env, 'EDDY_KINESIS_DISCOVERY_MS', 5000, 100, 300_000),
    kinesisIdleMs: integer(env, 'EDDY_KINESIS_IDLE_MS', 250, 200, 60_000),
    kinesisRecordLimit: integer(env, 'EDDY_KINESIS_RECORD_LIMIT', 10_000, 1, 10_000),
    sagemakerSink: {
      sendTtl: flag(env, 'EDDY_SAGEMAKER_SEND_TTL', false),
      concurrency: integer(env, 'EDDY_SAGEMAKER_CONCURRENCY', 16, 1, 1000),
      drains: integer(env, 'EDDY_SAGEMAKER_DRAINS', 4, 1, 256),
      maxAttempts: integer(env, 'EDDY_SAGEMAKER_MAX_ATTEMPTS', 10, 1, 1000),
      backoffBaseMs: integer(env, 'EDDY_SAGEMAKER_BACKOFF_BASE_MS', 200, 1, 600_000),
      backoffMaxMs: integer(env, 'EDDY_SAGEMAKER_BACKOFF_MAX_MS', 30_000, 1, 3_600_000),
      lingerMs: integer(env, 'EDDY_SAGEMAKER_LINGER_MS', 200, 0, 600_000),
      requestTimeoutMs: integer(env, 'EDDY_SAGEMAKER_TIMEOUT_MS', 5000, 100, 600_000),
      sweepMs: integer(env, 'EDDY_SAGEMAKER_SWEEP_MS', 30_000, 100, 3_600_000),
    },
  };
}
