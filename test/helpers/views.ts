/** Feature view bodies used across tests. */
import type { FeatureViewSpec } from '../../src/core/feature-view.js';

/** The README's example feature view (`sensor_stats`), verbatim. */
export const SENSOR_STATS_VIEW: FeatureViewSpec = {
  name: 'sensor_stats',
  description: 'Rolling statistics per machine sensor',
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  source: { type: 'kinesis', streamName: 'sensor-readings', startPosition: 'TRIM_HORIZON' },
  granularity: '10s',
  allowedLateness: '5m',
  ttl: '7d',
  eventIdField: 'reading_id',
  features: [
    { name: 'temp_avg_5m', agg: 'avg', field: 'temperature', window: '5m' },
    { name: 'temp_max_1h', agg: 'max', field: 'temperature', window: '1h' },
    { name: 'readings_5m', agg: 'count', window: '5m' },
    { name: 'temp_std_50', agg: 'stddev', field: 'temperature', events: 50 },
    { name: 'temp_last', agg: 'last', field: 'temperature' },
  ],
  sinks: { sagemaker: { featureGroupName: 'sensor-stats' } },
};

/** The same view fed by HTTP push only, without a sink; `overrides` replace top-level properties. */
export const sensorView = (overrides: Record<string, unknown> = {}) => {
  const { sinks: _sinks, ...rest } = SENSOR_STATS_VIEW;
  return { ...rest, source: { type: 'push' }, ...overrides };
};
