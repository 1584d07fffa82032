/**
 * The feature view `npm run demo` registers: rolling statistics per NAB sensor, read from a Kinesis stream, with
 * event time = the reading's original timestamp, mirrored to a SageMaker feature group.
 *
 * The demo's records are shaped like a gateway's (`{"device": {"id"}, "reading": {"ts", "value"}, "reading_id"}`,
 * replay-records.ts), and the view's transform lifts the nested values into the fields it reads.
 *
 * `value_avg_1000` (a count window of 1,000 readings) is a long baseline for models, and it makes the view retain
 * each sensor's last 1,000 readings, which GET …/entities/{sensor}/events serves: the dashboard, polling once a
 * second, sees every reading up to a replay speed of about 3 data-days per second of 5-minute readings.
 */
import type { FeatureSpec, FeatureViewSpec } from '../core/feature-view.js';

export const DEMO_VIEW = 'nab_sensors';
export const DEMO_STREAM = 'nab-sensors';
export const DEMO_FEATURE_GROUP = 'nab-sensors';
/** The fields the demo view reads (derived by its transform, except the id). */
export const DEMO_FIELDS = {
  entity: 'sensor_id',
  time: 'ts',
  value: 'value',
  id: 'reading_id',
} as const;

const rolling = (window: string): FeatureSpec[] => [
  { name: `value_avg_${window}`, agg: 'avg', field: 'value', window },
  { name: `value_min_${window}`, agg: 'min', field: 'value', window },
  { name: `value_max_${window}`, agg: 'max', field: 'value', window },
  { name: `value_std_${window}`, agg: 'stddev', field: 'value', window },
];

export function demoView(streamName = DEMO_STREAM): FeatureViewSpec {
  return {
    name: DEMO_VIEW,
    description: 'NAB sensor series replayed by `npm run demo`: rolling statistics per sensor, in data time',
    entityKey: DEMO_FIELDS.entity,
    eventTime: { field: DEMO_FIELDS.time },
    source: { type: 'kinesis', streamName, startPosition: 'TRIM_HORIZON' },
    granularity: '5m',
    // Two data-days: features read as of any instant within two days of a sensor's watermark are exact, which
    // gives the dashboard (it charts the features between two polls) two seconds of slack at a day per second.
    allowedLateness: '2d',
    eventIdField: DEMO_FIELDS.id,
    transform: {
      fields: {
        [DEMO_FIELDS.entity]: 'device.id',
        [DEMO_FIELDS.time]: 'reading.ts',
        [DEMO_FIELDS.value]: 'reading.value',
      },
    },
    features: [
      ...rolling('1h'),
      ...rolling('1d'),
      { name: 'readings_1d', agg: 'count', window: '1d' },
      { name: 'value_avg_50', agg: 'avg', field: 'value', events: 50 },
      { name: 'value_std_50', agg: 'stddev', field: 'value', events: 50 },
      { name: 'value_avg_1000', agg: 'avg', field: 'value', events: 1000 },
      { name: 'value_last', agg: 'last', field: 'value' },
      // Anomaly scores: how far the newest reading is from the day, the day's tail, a smoothed level.
      { name: 'value_zscore_1d', agg: 'zscore', field: 'value', window: '1d' },
      { name: 'value_p95_1d', agg: 'approx_percentile', field: 'value', window: '1d', p: 0.95 },
      { name: 'value_ewma_1h', agg: 'ewma', field: 'value', halfLife: '1h' },
    ],
    sinks: { sagemaker: { featureGroupName: DEMO_FEATURE_GROUP } },
  };
}
