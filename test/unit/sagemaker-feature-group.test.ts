/** The CreateFeatureGroup input of a view's SageMaker sink (src/core/sagemaker-feature-group.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveView } from '../../src/core/resolve-view.js';
import { createFeatureGroupInput, sinkOf } from '../../src/core/sagemaker-feature-group.js';
import { sensorView } from '../helpers/views.js';

describe('CreateFeatureGroup input', () => {
  test('types: identifier and event time String, count Integral, others Fractional; online store on', () => {
    const view = resolveView(
      sensorView({ sinks: { sagemaker: { featureGroupName: 'sensor-stats' } } }) as never,
      1,
      new Date('2026-01-01T00:00:00Z'),
    );
    const sink = sinkOf(view);
    assert.deepEqual(sink, {
      featureGroupName: 'sensor-stats',
      recordIdentifierFeatureName: 'sensor_id',
      eventTimeFeatureName: 'event_time',
    });
    const input = createFeatureGroupInput(view, sink!, null);
    assert.equal(input.FeatureGroupName, 'sensor-stats');
    assert.equal(input.RecordIdentifierFeatureName, 'sensor_id');
    assert.equal(input.EventTimeFeatureName, 'event_time');
    assert.deepEqual(input.FeatureDefinitions, [
      { FeatureName: 'sensor_id', FeatureType: 'String' },
      { FeatureName: 'event_time', FeatureType: 'String' },
      { FeatureName: 'temp_avg_5m', FeatureType: 'Fractional' },
      { FeatureName: 'temp_max_1h', FeatureType: 'Fractional' },
      { FeatureName: 'readings_5m', FeatureType: 'Integral' },
      { FeatureName: 'temp_std_50', FeatureType: 'Fractional' },
      { FeatureName: 'temp_last', FeatureType: 'Fractional' },
    ]);
    assert.deepEqual(input.OnlineStoreConfig, { EnableOnlineStore: true });
    assert.deepEqual(createFeatureGroupInput(view, sink!, 7 * 86_400_000).OnlineStoreConfig, {
      EnableOnlineStore: true,
      TtlDuration: { Unit: 'Weeks', Value: 1 },
    });
    assert.equal(sinkOf({ entityKey: 'k' }), null);
  });

  test('anomaly-detection features: approx_count_distinct Integral, every other Fractional', () => {
    const features = [
      { name: 'first', agg: 'first', field: 't', window: '5m' },
      { name: 'range', agg: 'range', field: 't', window: '5m' },
      { name: 'delta', agg: 'delta', field: 't', events: 5 },
      { name: 'rate', agg: 'rate', field: 't', window: '5m' },
      { name: 'zscore', agg: 'zscore', field: 't', window: '5m' },
      { name: 'ewma', agg: 'ewma', field: 't', halfLife: '1m' },
      { name: 'ewvar', agg: 'ewvar', field: 't', window: '5m', halfLife: '1m' },
      { name: 'ewstd', agg: 'ewstd', field: 't', events: 9, halfLife: '1m' },
      { name: 'p95', agg: 'approx_percentile', field: 't', window: '5m', p: 0.95 },
      { name: 'distinct', agg: 'approx_count_distinct', field: 'site', window: '5m' },
      { name: 'silent', agg: 'time_since_last' },
    ];
    const view = resolveView(
      sensorView({ features, sinks: { sagemaker: { featureGroupName: 'g' } } }) as never,
      1,
      new Date('2026-01-01T00:00:00Z'),
    );
    const types = createFeatureGroupInput(view, sinkOf(view)!, null).FeatureDefinitions.slice(2);
    assert.deepEqual(
      types,
      features.map((f) => ({
        FeatureName: f.name,
        FeatureType: f.name === 'distinct' ? 'Integral' : 'Fractional',
      })),
    );
  });
});
