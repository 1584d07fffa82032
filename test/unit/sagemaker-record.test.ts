/** The SageMaker record shape (pure): number and time formatting, event-time planning, feature group input. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { classifyPutError } from '../../src/adapters/sagemaker/feature-store-writer.js';
import { fullJitterDelay } from '../../src/core/backoff.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { createFeatureGroupInput, sinkOf } from '../../src/core/sagemaker-feature-group.js';
import {
  contentDigest,
  formatEventTime,
  formatNumber,
  recordContent,
  ttlDuration,
  withEventTime,
} from '../../src/core/sagemaker-record.js';
import { planWrite } from '../../src/core/sagemaker-write-plan.js';
import { sensorView } from '../helpers/views.js';

const SINK = {
  featureGroupName: 'g',
  recordIdentifierFeatureName: 'sensor_id',
  eventTimeFeatureName: 'event_time',
};

describe('formatNumber', () => {
  test('every finite double parses back to the same double (sign of zero included)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = formatNumber(n);
        assert.ok(Object.is(Number(text), n), `${n} -> ${text}`);
        assert.ok(Object.is(Number.parseFloat(text), n), `${n} -> ${text} (parseFloat)`);
        // A plain decimal or exponent form that Java's Double.parseDouble and Python's float() read as well.
        assert.match(text, /^-?\d+(\.\d+)?(e[+-]\d+)?$/);
      }),
      { numRuns: 20_000 },
    );
  });

  test('edge cases', () => {
    assert.equal(formatNumber(-0), '-0');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(1e21), '1e+21');
    assert.equal(formatNumber(5e-324), '5e-324');
    assert.equal(formatNumber(Number.MAX_VALUE), '1.7976931348623157e+308');
    assert.equal(formatNumber(0.1 + 0.2), '0.30000000000000004');
    assert.equal(formatNumber(123456789012), '123456789012');
    assert.throws(() => formatNumber(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => formatNumber(Number.NaN), RangeError);
  });
});

describe('the record', () => {
  test('identifier, event time (ISO-8601 UTC with ms), then each non-null finite feature in view order', () => {
    const content = recordContent(SINK, 's-1', ['a', 'b', 'c', 'd', 'e'], {
      a: 1.5,
      b: null,
      c: 0,
      d: Number.POSITIVE_INFINITY,
      e: -0,
    });
    const record = withEventTime(SINK, content, Date.UTC(2026, 0, 1, 0, 0, 0, 7));
    assert.deepEqual(record, [
      { FeatureName: 'sensor_id', ValueAsString: 's-1' },
      { FeatureName: 'event_time', ValueAsString: '2026-01-01T00:00:00.007Z' },
      { FeatureName: 'a', ValueAsString: '1.5' },
      { FeatureName: 'c', ValueAsString: '0' },
      { FeatureName: 'e', ValueAsString: '-0' },
    ]);
    assert.equal(formatEventTime(0), '1970-01-01T00:00:00.000Z');
  });

  test('the digest changes with any value and ignores nothing but the event time', () => {
    const a = recordContent(SINK, 's', ['x'], { x: 1 });
    const b = recordContent(SINK, 's', ['x'], { x: 1.0000000000000002 });
    const c = recordContent(SINK, 't', ['x'], { x: 1 });
    assert.equal(contentDigest(a), contentDigest(recordContent(SINK, 's', ['x'], { x: 1 })));
    assert.notEqual(contentDigest(a), contentDigest(b));
    assert.notEqual(contentDigest(a), contentDigest(c));
    assert.notEqual(contentDigest(a), contentDigest(recordContent(SINK, 's', ['x'], { x: null })));
  });

  test('ttl as the largest whole unit', () => {
    assert.deepEqual(ttlDuration(7 * 86_400_000), { Unit: 'Weeks', Value: 1 });
    assert.deepEqual(ttlDuration(3 * 86_400_000), { Unit: 'Days', Value: 3 });
    assert.deepEqual(ttlDuration(90 * 60_000), { Unit: 'Minutes', Value: 90 });
    assert.deepEqual(ttlDuration(36 * 3_600_000), { Unit: 'Hours', Value: 36 });
    assert.deepEqual(ttlDuration(45_000), { Unit: 'Seconds', Value: 45 });
    assert.deepEqual(ttlDuration(1500), { Unit: 'Seconds', Value: 2 });
    assert.deepEqual(ttlDuration(1), { Unit: 'Seconds', Value: 1 });
  });
});

describe('planWrite: event time of a write', () => {
  test('a newer watermark is written at the watermark', () => {
    assert.deepEqual(planWrite(100, 'h', null), { send: true, eventTimeMs: 100 });
    assert.deepEqual(planWrite(100, 'h', { e: 99, h: 'h' }), { send: true, eventTimeMs: 100 });
  });
  test('same content confirmed stored at or after the watermark: nothing to write', () => {
    assert.deepEqual(planWrite(100, 'h', { e: 100, h: 'h' }), { send: false });
    assert.deepEqual(planWrite(100, 'h', { e: 101, h: 'h' }), { send: false });
  });
  test('same content maybe stored (unconfirmed): written again at the same event time', () => {
    assert.deepEqual(planWrite(100, 'h', { e: 100, h: 'h', u: true }), { send: true, eventTimeMs: 100 });
    assert.deepEqual(planWrite(100, 'h', { e: 102, h: 'h', u: true }), { send: true, eventTimeMs: 102 });
  });
  test('changed content without a newer watermark: one ms past what may be stored', () => {
    assert.deepEqual(planWrite(100, 'new', { e: 100, h: 'old' }), { send: true, eventTimeMs: 101 });
    assert.deepEqual(planWrite(100, 'new', { e: 100, h: 'old', u: true }), { send: true, eventTimeMs: 101 });
  });
  test('a planned write is never older than the watermark, and beats the stored record unless it is the same', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e12 }),
        fc.integer({ min: 0, max: 2e12 }),
        fc.constantFrom('a', 'b'),
        fc.boolean(),
        (w, e, h, unconfirmed) => {
          const memo = unconfirmed ? { e, h: 'a', u: true as const } : { e, h: 'a' };
          const plan = planWrite(w, h, memo);
          if (!plan.send) {
            assert.ok(h === 'a' && !unconfirmed && e >= w);
            return;
          }
          assert.ok(plan.eventTimeMs >= w);
          if (h !== 'a') assert.ok(plan.eventTimeMs > e);
          else assert.ok(plan.eventTimeMs >= e);
        },
      ),
    );
  });
});

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

describe('retry policy', () => {
  test('full jitter stays below min(cap, base * 2^(attempt-1))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (attempt, base, r) => {
          const d = fullJitterDelay(attempt, base, 10_000, () => r);
          assert.ok(d >= 0 && d < Math.max(1, Math.min(10_000, base * 2 ** (attempt - 1))));
        },
      ),
    );
    assert.equal(
      fullJitterDelay(3, 100, 10_000, () => 0.5),
      200,
    );
  });

  test('throttling, 5xx and network errors are retried; validation and other 4xx are not', () => {
    const sdk = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    const net = (code: string) => Object.assign(new Error(code), { code });
    const cases: [unknown, boolean, boolean][] = [
      [sdk('ThrottlingException', 400), true, false],
      [sdk('InternalFailure', 500), true, true],
      [sdk('ServiceUnavailable', 503), true, true],
      [sdk('ValidationError', 400), false, false],
      [sdk('ResourceNotFound', 404), false, false],
      [sdk('AccessForbidden', 403), false, false],
      [net('ECONNREFUSED'), true, false],
      [net('ECONNRESET'), true, true],
      [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true, true],
    ];
    for (const [err, retryable, maybeApplied] of cases) {
      const c = classifyPutError(err);
      assert.equal(c.retryable, retryable, c.code);
      assert.equal(c.maybeApplied, maybeApplied, c.code);
    }
    assert.equal(classifyPutError(sdk('ThrottlingException', 400)).code, 'ThrottlingException');
    assert.equal(classifyPutError(net('ECONNREFUSED')).status, null);
  });
});
