/**
 * View transforms (docs/semantics.md#transforms): compile-time errors with pointer and position, run-time failures
 * as TRANSFORM_FAILED, `each`, `filter`, derived fields, per-element ids and the number rules, through the decoder
 * every ingestion path uses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import { decodeRecordEvents } from '../../src/core/decode-record.js';
import { EddyError } from '../../src/core/errors.js';
import type { FeatureViewSpec } from '../../src/core/feature-view.js';
import { resolveView } from '../../src/core/resolve-view.js';
import type { TransformSpec } from '../../src/core/transform/compile-transform.js';

const ARRIVAL = Date.parse('2026-01-01T00:00:00Z');

function view(transform: TransformSpec, extra: Partial<FeatureViewSpec> = {}) {
  const spec: FeatureViewSpec = {
    name: 'readings',
    entityKey: 'sensor',
    eventTime: { field: 'ts' },
    source: { type: 'push' },
    features: [{ name: 'temp_avg', agg: 'avg', field: 'temp_c', window: '1m' }],
    transform,
    ...extra,
  };
  return compileView(resolveView(spec, 1, new Date(ARRIVAL)));
}

/** The INVALID_EXPRESSION (or other) error that registering `transform` raises. */
function registrationError(transform: unknown): EddyError {
  try {
    view(transform as TransformSpec);
  } catch (err) {
    assert.ok(err instanceof EddyError, String(err));
    return err;
  }
  assert.fail('expected the transform to be refused');
}

const nested = {
  kind: 'temperature',
  device: { id: 'd7' },
  payload: {
    readings: [
      { channel: 'a', temp_f: 71.2, ts: ARRIVAL + 1_000, quality: 3 },
      { channel: 'b', temp_f: 50, ts: ARRIVAL + 2_000, quality: 1 },
      { channel: 'c', temp_f: 212, ts: ARRIVAL + 3_000, quality: 2 },
    ],
  },
};

const issueTransform: TransformSpec = {
  each: 'payload.readings',
  filter: "kind == 'temperature' && item.quality >= 2",
  fields: {
    sensor: "device.id + '/' + item.channel",
    temp_c: '(item.temp_f - 32) * 5 / 9',
    ts: 'item.ts',
  },
};

describe('transforms at registration', () => {
  test('the stored definition keeps the transform as sent', () => {
    const stored = resolveView(
      {
        name: 'readings',
        entityKey: 'sensor',
        source: { type: 'push' },
        features: [{ name: 'n', agg: 'count', window: '1m' }],
        transform: issueTransform,
      },
      1,
      new Date(ARRIVAL),
    );
    assert.deepEqual(stored.transform, issueTransform);
  });

  const refused: [string, unknown, string, number, RegExp][] = [
    ['a syntax error', { filter: 'kind ==' }, '/transform/filter', 7, /Unexpected token/],
    ['an unknown function', { fields: { x: 'nosuch(item.a)' } }, '/transform/fields/x', 0, /nosuch/],
    ['a filter that is a string', { filter: "'yes'" }, '/transform/filter', 0, /yields string.*bool/],
    ['an each that is a number', { each: '1 + 2' }, '/transform/each', 0, /yields int.*list/],
    ['a field that is a list', { fields: { x: '[1, 2]' } }, '/transform/fields/x', 0, /yields list/],
    ['a field that is a bool', { fields: { x: '1 < 2' } }, '/transform/fields/x', 0, /yields bool/],
    [
      'a comprehension inside another',
      { each: 'payload.readings.filter(r, payload.readings.exists(s, s == r))' },
      '/transform/each',
      27,
      /nested comprehensions/,
    ],
    [
      'regular expressions',
      { filter: "kind.matches('(a+)+$')" },
      '/transform/filter',
      0,
      /regular expressions/,
    ],
    [
      'a name with a slash (escaped pointer)',
      { fields: { 'a/b': '1' } },
      '/transform/fields/a~1b',
      -1,
      /match/,
    ],
  ];
  for (const [what, transform, pointer, position, message] of refused) {
    test(`${what} is refused with the expression's pointer and position`, () => {
      const err = registrationError(transform);
      assert.equal(err.field, pointer);
      assert.match(err.message, message);
      if (position >= 0) {
        assert.equal(err.code, 'INVALID_EXPRESSION');
        assert.equal(err.details?.position, position);
      } else assert.equal(err.code, 'INVALID_FEATURE_VIEW');
    });
  }

  test('deeply nested and overlong expressions are refused, not run', () => {
    const deep = `${'('.repeat(200)}1${')'.repeat(200)}`;
    assert.equal(registrationError({ fields: { x: deep } }).code, 'INVALID_EXPRESSION');
    const wide = Array.from({ length: 400 }, (_, i) => `a${i % 10}`).join('+');
    assert.equal(registrationError({ fields: { x: wide } }).code, 'INVALID_EXPRESSION');
    const long = `1${' + 1'.repeat(300)}`;
    assert.ok(long.length > 1_000);
    assert.match(registrationError({ fields: { x: long } }).message, /at most 1000 characters/);
  });
});

describe('transforms on records', () => {
  const v = view(issueTransform);

  test('each, filter and derived fields: one event per kept element, the rest counted as filtered', () => {
    const decoded = decodeRecordEvents(v, nested, ARRIVAL);
    assert.ok(decoded.ok, JSON.stringify(decoded));
    assert.equal(decoded.filtered, 1);
    assert.deepEqual(
      decoded.events.map((e) => [e.entity, e.event.t, e.event.values.temp_c]),
      [
        ['d7/a', ARRIVAL + 1_000, ((71.2 - 32) * 5) / 9],
        ['d7/c', ARRIVAL + 3_000, 100],
      ],
    );
  });

  test('a filter that is false everywhere keeps nothing and rejects nothing', () => {
    const decoded = decodeRecordEvents(v, { ...nested, kind: 'vibration' }, ARRIVAL);
    assert.ok(decoded.ok);
    assert.deepEqual([decoded.events.length, decoded.filtered], [0, 3]);
  });

  const failures: [string, unknown, RegExp][] = [
    ['a missing key', { ...nested, device: {} }, /field 'sensor'.*No such key: id/],
    ['a wrong type', { ...nested, device: { id: 7 } }, /field 'sensor'.*overload/],
    ['each over a non-list', { ...nested, payload: { readings: 'none' } }, /each: must yield a list/],
    [
      'a non-finite result',
      { ...nested, payload: { readings: [{ channel: 'a', temp_f: 1e308 * 10, ts: 1, quality: 3 }] } },
      /filter|temp_c/,
    ],
    [
      'a filter that is not a bool',
      {
        ...nested,
        kind: 'temperature',
        payload: { readings: [{ quality: null, channel: 'a', temp_f: 1, ts: 1 }] },
      },
      /filter/,
    ],
  ];
  for (const [what, record, reason] of failures) {
    test(`${what} rejects the whole record with TRANSFORM_FAILED`, () => {
      const decoded = decodeRecordEvents(v, record, ARRIVAL);
      assert.equal(decoded.ok, false);
      assert.ok(!decoded.ok);
      assert.equal(decoded.code, 'TRANSFORM_FAILED');
      assert.match(decoded.reason, reason);
    });
  }

  test('integer division by zero and infinite doubles are TRANSFORM_FAILED naming the field', () => {
    const ratio = view({ fields: { temp_c: 'count / zero' } }, { entityKey: 'sensor' });
    const intDivision = view({ fields: { temp_c: '1 / 0' } });
    const record = { sensor: 's', ts: ARRIVAL, count: 3, zero: 0 };
    for (const [v2, pattern] of [
      [ratio, /field 'temp_c': yields Infinity/],
      [intDivision, /field 'temp_c'.*division by zero/],
    ] as const) {
      const decoded = decodeRecordEvents(v2, record, ARRIVAL);
      assert.ok(!decoded.ok);
      assert.equal(decoded.code, 'TRANSFORM_FAILED');
      assert.match(decoded.reason, pattern);
    }
  });

  test('a list longer than 1,000 elements is refused before any event is made', () => {
    const readings = Array.from({ length: 1_001 }, (_, i) => ({
      channel: `${i}`,
      temp_f: 50,
      ts: 1,
      quality: 3,
    }));
    const decoded = decodeRecordEvents(v, { ...nested, payload: { readings } }, ARRIVAL);
    assert.ok(!decoded.ok);
    assert.match(decoded.reason, /1001 elements; at most 1000/);
  });

  test('one bad element rejects the record whole (a replay re-runs all of it)', () => {
    const readings = [...nested.payload.readings, { channel: 'd', temp_f: 'hot', ts: 1, quality: 3 }];
    const decoded = decodeRecordEvents(v, { ...nested, payload: { readings } }, ARRIVAL);
    assert.ok(!decoded.ok);
    assert.equal(decoded.code, 'TRANSFORM_FAILED');
  });

  test('a derived value the view cannot read is rejected by the usual rule', () => {
    const v2 = view({ fields: { temp_c: "'warm'" } });
    const decoded = decodeRecordEvents(v2, { sensor: 's', ts: ARRIVAL }, ARRIVAL);
    assert.ok(!decoded.ok);
    assert.equal(decoded.code, 'FIELD_NOT_A_NUMBER');
  });
});

describe('transform variables and numbers', () => {
  const decodeOne = (transform: TransformSpec, record: unknown, extra: Partial<FeatureViewSpec> = {}) => {
    const decoded = decodeRecordEvents(view(transform, extra), record, ARRIVAL);
    assert.ok(decoded.ok, JSON.stringify(decoded));
    return decoded.events;
  };

  test('keys that are not identifiers are read through record[...]; integers mix with doubles', () => {
    const [e] = decodeOne(
      { fields: { temp_c: '(record["temp-f"] - 32) * 5 / 9' } },
      {
        sensor: 's',
        ts: ARRIVAL,
        'temp-f': 212,
      },
    );
    assert.equal(e!.event.values.temp_c, 100);
  });

  test('int results become numbers and timestamps become epoch milliseconds', () => {
    const [e] = decodeOne(
      { fields: { temp_c: '2 * 3', ts: 'timestamp(when)' } },
      {
        sensor: 's',
        when: '2026-01-01T00:00:05Z',
      },
    );
    assert.equal(e!.event.values.temp_c, 6);
    assert.equal(e!.event.t, ARRIVAL + 5_000);
  });

  test('a derived field wins over a record field of the same name', () => {
    const [e] = decodeOne({ fields: { temp_c: 'temp_c + 1.0' } }, { sensor: 's', ts: ARRIVAL, temp_c: 1 });
    assert.equal(e!.event.values.temp_c, 2);
  });

  test('__proto__ is plain data: readable as record["__proto__"], never a prototype', () => {
    const record = JSON.parse('{"sensor":"s","ts":1,"__proto__":{"temp_c":5}}');
    const [e] = decodeOne({ fields: { temp_c: 'record["__proto__"].temp_c' } }, record);
    assert.equal(e!.event.values.temp_c, 5);
    assert.equal(({} as Record<string, unknown>).temp_c, undefined);
    const inherited = decodeRecordEvents(view({ fields: { temp_c: 'constructor' } }), record, ARRIVAL);
    assert.ok(!inherited.ok);
    assert.equal(inherited.code, 'TRANSFORM_FAILED');
  });

  test("with each, a record's own event id becomes one id per element", () => {
    const events = decodeOne(
      { each: 'readings', fields: { sensor: 'item.s', ts: 'item.t', temp_c: 'item.v' } },
      {
        id: 'r1',
        readings: [
          { s: 'a', t: 1, v: 1 },
          { s: 'a', t: 2, v: 2 },
        ],
      },
      { eventIdField: 'id' },
    );
    assert.deepEqual(
      events.map((e) => e.event.id),
      ['r1#0', 'r1#1'],
    );
  });

  test('a derived event id is used as it is', () => {
    const events = decodeOne(
      { each: 'readings', fields: { sensor: 'item.s', ts: 'item.t', temp_c: 'item.v', rid: 'item.id' } },
      { readings: [{ s: 'a', t: 1, v: 1, id: 'x' }] },
      { eventIdField: 'rid' },
    );
    assert.equal(events[0]!.event.id, 'x');
  });
});
