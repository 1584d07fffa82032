/** What every scenario gets from the runner. */
export interface BenchContext {
  quick: boolean;
  redisUrl: string;
  /** Key prefix of the Eddy processes (EDDY_KEY_PREFIX). */
  keyPrefix: string;
  /** Folder for V8 CPU profiles of the servers (--profile), or undefined. */
  cpuProfileDir?: string;
  /** kinesalite on 127.0.0.1 (every Eddy process uses it as KINESIS_ENDPOINT). */
  kinesisEndpoint: string;
  /** Its process id (CPU accounting). */
  kinesisPid: number;
  /** Worker processes beside one API process where a scenario splits the roles (`--workers N`, default 1). */
  workers: number;
  /** Seed nodes of the run's Redis Cluster when the scenario runs on one (REDIS_CLUSTER_NODES of every Eddy). */
  redisClusterNodes?: string;
  /** With `--cluster`: the run's local Redis Cluster (3 masters, 3 replicas), beside the standalone server. */
  cluster?: {
    seeds: string;
    /** Every node's URL, and the masters' among them (when the run started). */
    servers: string[];
    masterServers: string[];
  };
  /** Every Redis server the Eddy processes use (the standalone's URL, or each cluster node's), for CPU figures. */
  redisServers: string[];
  log(message: string): void;
}

/**
 * The environment of an Eddy process under test: the run's Redis Cluster when the context has one, kinesalite, a rate limit no scenario reaches (the
 * limiter still runs: one Redis call per request), and `prefix` for its keys.
 */
export const eddyEnv = (ctx: BenchContext, prefix = ctx.keyPrefix, extra: Record<string, string> = {}) => ({
  EDDY_KEY_PREFIX: prefix,
  EDDY_RATE_LIMIT: '10000000',
  KINESIS_ENDPOINT: ctx.kinesisEndpoint,
  ...(ctx.redisClusterNodes && { REDIS_CLUSTER_NODES: ctx.redisClusterNodes }),
  ...extra,
});
