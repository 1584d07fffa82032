/** The Kinesis records the demo produces: one JSON object per reading, partitioned by sensor (pure). */
import { DEMO_FIELDS } from './demo-view.js';
import type { ReplayRecord } from './replay-schedule.js';

/**
 * A gateway-shaped record: `{device: {id}, reading: {ts (ISO-8601 UTC, the original time), value}, reading_id}`;
 * the demo view's transform reads the nested values (demo-view.ts).
 */
export function readingRecord(r: ReplayRecord): Record<string, unknown> {
  return {
    device: { id: r.sensor },
    reading: { ts: new Date(r.t).toISOString(), value: r.value },
    [DEMO_FIELDS.id]: r.id,
  };
}

/** One record per reading; the partition key is the sensor, so a sensor's readings stay in one shard, in order. */
export const toKinesisRecords = (records: readonly ReplayRecord[]) =>
  records.map((r) => ({ data: Buffer.from(JSON.stringify(readingRecord(r))), partitionKey: r.sensor }));
