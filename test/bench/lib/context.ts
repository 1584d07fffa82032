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
  log(message: string): void;
}

/**
 * The environment of an Eddy process under test: the run's kinesalite, a rate limit no scenario reaches (the
 * limiter still runs: one Redis call per request), and `prefix` for its keys.
 */
export const eddyEnv = (ctx: BenchContext, prefix = ctx.keyPrefix, extra: Record<string, string> = {}) => ({
  EDDY_KEY_PREFIX: prefix,
  EDDY_RATE_LIMIT: '10000000',
  KINESIS_ENDPOINT: ctx.kinesisEndpoint,
  ...extra,
});
