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
});
