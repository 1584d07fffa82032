/** The SageMaker record (src/core/sagemaker-record.ts): number and time formatting, the record's content. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  contentDigest,
  formatEventTime,
  formatNumber,
  recordContent,
  ttlDuration,
  withEventTime,
} from '../../src/core/sagemaker-record.js';

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
