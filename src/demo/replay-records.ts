/** The Kinesis records the demo produces: one JSON object per reading, partitioned by sensor (pure). */
import { DEMO_FIELDS } from './demo-view.js';
import type { ReplayRecord } from './replay-schedule.js';

/** `{sensor_id, ts (ISO-8601 UTC, the original time), value, reading_id}` */
export function readingRecord(r: ReplayRecord): Record<string, string | number> {
  return {
    [DEMO_FIELDS.entity]: r.sensor,
    [DEMO_FIELDS.time]: new Date(r.t).toISOString(),
    [DEMO_FIELDS.value]: r.value,
    [DEMO_FIELDS.id]: r.id,
  };
}

/** One record per reading; the partition key is the sensor, so a sensor's readings stay in one shard, in order. */
export const toKinesisRecords = (records: readonly ReplayRecord[]) =>
  records.map((r) => ({ data: Buffer.from(JSON.stringify(readingRecord(r))), partitionKey: r.sensor }));
