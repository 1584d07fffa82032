/** What the shard readers and the Kinesis batch worker report (src/adapters/metrics; optional). */
export interface KinesisMetrics {
  setMillisBehindLatest(stream: string, shard: string, ms: number): void;
  forgetShard(stream: string, shard: string): void;
  observeBatchApply(source: 'kinesis', seconds: number): void;
}
