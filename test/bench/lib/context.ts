/** What every scenario gets from the runner. */
export interface BenchContext {
  quick: boolean;
  redisUrl: string;
  /** Key prefix of the Eddy processes (EDDY_KEY_PREFIX). */
  keyPrefix: string;
  /** Folder for V8 CPU profiles of the servers (--profile), or undefined. */
  cpuProfileDir?: string;
  /** Kinesis endpoint (kinesalite on 127.0.0.1), when a Kinesis scenario runs. */
  kinesisEndpoint?: string;
  log(message: string): void;
}
