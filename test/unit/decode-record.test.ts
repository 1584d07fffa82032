import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileView } from '../../src/core/compile-view.js';
import { decodeJsonBytes } from '../../src/core/decode-json.js';
import { decodeRecord, recordOf } from '../../src/core/decode-record.js';
import type { CompiledView, FeatureViewSpec } from '../../src/core/feature-view.js';
import { REJECT_CODES, type RejectCode } from '../../src/core/reject.js';
import { resolveView } from '../../src/core/resolve-view.js';

const compile = (overrides: Partial<FeatureViewSpec> = {}): CompiledView =>
  compileView(
    resolveView(
      {
        name: 'sensor_stats',
        entityKey: 'sensor_id',
        eventTime: { field: 'ts' },
        eventIdField: 'reading_id',
        source: { type: 'push' },
        features: [
          { name: 'temp_avg', agg: 'avg', field: 'temperature', window: '5m' },
          { name: 'hum_max', agg: 'max', field: 'humidity', window: '5m' },
          { name: 'n', agg: 'count', window: '5m' },
        ],
        ...overrides,
      },
      1,
      new Date(0),
    ),
  );

const VIEW = compile();
const ARRIVAL = Date.UTC(2025, 0, 1);
const T = Date.UTC(2024, 4, 1, 12, 0, 0, 123);

const decode = (raw: unknown, view = VIEW) => decodeRecord(view, raw, ARRIVAL);

function assertRejected(raw: unknown, code: RejectCode, reason: RegExp, view = VIEW): void {
  const result = decode(raw, view);
  assert.equal(result.ok, false, JSON.stringify(raw));
  if (result.ok) return;
  assert.equal(result.code, code);
  assert.match(result.reason, reason);
  assert.ok(result.reason.length < 300, result.reason);
}

test('a good record yields its entity, event time, id and only the view fields', () => {
  const result = decode({
    sensor_id: 's1',
    ts: T,
    reading_id: 'r-1',
    temperature: 71.2,
    humidity: 40,
    other: 5,
  });
  assert.deepEqual(result, {
    ok: true,
    entity: 's1',
    event: { t: T, id: 'r-1', values: { temperature: 71.2, humidity: 40 } },
  });
});

test('null and absent feature fields are absent', () => {
  const result = decode({ sensor_id: 's1', ts: T, temperature: null });
  assert.deepEqual(result, { ok: true, entity: 's1', event: { t: T, values: {} } });
});

test('numeric entity keys and ids become decimal strings', () => {
  assert.deepEqual(decode({ sensor_id: 42, ts: T, reading_id: 7 }), {
    ok: true,
    entity: '42',
    event: { t: T, id: '7', values: {} },
  });
  const result = decode({ sensor_id: 1.5, ts: T, reading_id: -0.25 });
  assert.ok(result.ok);
  assert.equal(result.entity, '1.5');
  assert.equal(result.event.id, '-0.25');
});

test('a view without eventTime uses the arrival time; without eventIdField ignores ids', () => {
  const view = compileView(
    resolveView(
      {
        name: 'v',
        entityKey: 'k',
        source: { type: 'push' },
        features: [{ name: 'l', agg: 'last', field: 'x' }],
      },
      1,
      new Date(0),
    ),
  );
  assert.deepEqual(decode({ k: 'a', ts: 'garbage', reading_id: {}, x: 3 }, view), {
    ok: true,
    entity: 'a',
    event: { t: ARRIVAL, values: { x: 3 } },
  });
});

test('event times: epoch ms (floored) and ISO-8601 with a zone', () => {
  const at = (ts: unknown) => {
    const result = decode({ sensor_id: 's', ts });
    assert.ok(result.ok, JSON.stringify(ts));
    return result.event.t;
  };
  assert.equal(at(T), T);
  assert.equal(at(T + 0.9), T);
  assert.equal(at(-1.5), -2);
  assert.equal(at(0), 0);
  assert.equal(at('2024-05-01T12:00:00.123Z'), T);
  assert.equal(at('2024-05-01T14:00:00.123+02:00'), T);
  assert.equal(at('2024-05-01T07:30:00.123-0430'), T);
  assert.equal(at('2024-05-01T14:00:00.123+02'), T);
  assert.equal(at('2024-05-01 12:00:00.1239z'), T); // sub-ms digits truncated
  assert.equal(at('2024-05-01T12:00Z'), Date.UTC(2024, 4, 1, 12));
  assert.equal(at('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  assert.equal(at('0001-01-01T00:00:00Z'), -62_135_596_800_000);
});

test('event times without a zone, impossible or out of range are EVENT_TIME_INVALID', () => {
  for (const ts of [
    '2024-05-01T12:00:00',
    '2024-05-01',
    '2024-05-01T12:00:00.123',
    'yesterday',
    '',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60:00Z',
    '2024-05-01T12:00:60Z',
    '2024-05-01T12:00:00+24:00',
    '2024-13-01T00:00:00Z',
    '+012024-05-01T00:00:00Z',
    '1714564800000',
    1e16,
    true,
    {},
    [T],
  ]) {
    assertRejected(
      { sensor_id: 's', ts },
      'EVENT_TIME_INVALID',
      /event time field 'ts' must be epoch milliseconds/,
    );
  }
});

test('a missing event time is EVENT_TIME_MISSING', () => {
  assertRejected({ sensor_id: 's' }, 'EVENT_TIME_MISSING', /event time field 'ts' is missing/);
  assertRejected({ sensor_id: 's', ts: null }, 'EVENT_TIME_MISSING', /'ts'/);
});

test('records that are not JSON objects are NOT_AN_OBJECT', () => {
  for (const raw of [null, [], [{ sensor_id: 's' }], 'text', 42, true, undefined]) {
    assertRejected(raw, 'NOT_AN_OBJECT', /not a JSON object/);
  }
});

test('entity keys: missing, empty, too long, wrong type', () => {
  assertRejected({ ts: T }, 'ENTITY_KEY_MISSING', /entity key 'sensor_id' is missing/);
  assertRejected({ sensor_id: null, ts: T }, 'ENTITY_KEY_MISSING', /is missing/);
  assertRejected({ sensor_id: '', ts: T }, 'ENTITY_KEY_MISSING', /is empty/);
  assertRejected(
    { sensor_id: 'x'.repeat(257), ts: T },
    'ENTITY_KEY_TOO_LONG',
    /257 characters long; at most 256/,
  );
  assert.ok(decode({ sensor_id: 'x'.repeat(256), ts: T }).ok);
  // 256 is counted in UTF-16 code units: 128 emoji are 256 units.
  assert.ok(decode({ sensor_id: '😀'.repeat(128), ts: T }).ok);
  assertRejected({ sensor_id: '😀'.repeat(129), ts: T }, 'ENTITY_KEY_TOO_LONG', /258 characters/);
  assertRejected(
    { sensor_id: true, ts: T },
    'ENTITY_KEY_INVALID',
    /must be a string or a number, got boolean true/,
  );
  assertRejected({ sensor_id: { a: 1 }, ts: T }, 'ENTITY_KEY_INVALID', /got an object/);
  assertRejected({ sensor_id: ['s'], ts: T }, 'ENTITY_KEY_INVALID', /got an array/);
  assertRejected({ sensor_id: Number.NaN, ts: T }, 'ENTITY_KEY_INVALID', /got number NaN/);
  assertRejected({ sensor_id: 'a\ud800b', ts: T }, 'ENTITY_KEY_INVALID', /unpaired/);
});

test('inherited properties are not record fields', () => {
  const view = compile({ entityKey: 'constructor' });
  assertRejected({ ts: T }, 'ENTITY_KEY_MISSING', /'constructor' is missing/, view);
  assert.equal(decode({ constructor: 'c', ts: T }, view).ok, true);
});

test('feature fields present but not finite numbers are FIELD_NOT_A_NUMBER', () => {
  for (const temperature of ['71.2', true, {}, [71.2], Number.POSITIVE_INFINITY, Number.NaN]) {
    assertRejected(
      { sensor_id: 's', ts: T, temperature },
      'FIELD_NOT_A_NUMBER',
      /field 'temperature' must be a finite number, got /,
    );
  }
  // Fields the view does not read are never checked.
  assert.ok(decode({ sensor_id: 's', ts: T, pressure: 'high' }).ok);
});

test('feature values beyond ±1e100 are FIELD_OUT_OF_RANGE; the bound itself is accepted', () => {
  for (const temperature of [1e200, -1e200, 1e308, -Number.MAX_VALUE, 1.0000000000000002e100]) {
    assertRejected(
      { sensor_id: 's', ts: T, temperature },
      'FIELD_OUT_OF_RANGE',
      /field 'temperature' must be between -1e100 and 1e100, got number /,
    );
  }
  for (const temperature of [1e100, -1e100, 9.99e99, 1e9, Number.MIN_VALUE]) {
    const result = decode({ sensor_id: 's', ts: T, temperature });
    assert.ok(result.ok, String(temperature));
    assert.equal(result.event.values.temperature, temperature);
  }
});

test('__proto__ and constructor keys of a record are ignored, and pollute nothing', () => {
  const raw = JSON.parse(
    '{"sensor_id":"s","ts":1,"temperature":2,"__proto__":{"temperature":9,"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
  );
  assert.deepEqual(decode(raw), { ok: true, entity: 's', event: { t: 1, values: { temperature: 2 } } });
  // Keys under a `__proto__` key are not the record's own keys.
  const nested = JSON.parse('{"__proto__":{"sensor_id":"x"},"ts":1}');
  assertRejected(nested, 'ENTITY_KEY_MISSING', /sensor_id/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('event ids: strings or numbers; null and absent mean none; anything else is EVENT_ID_INVALID', () => {
  const id = (reading_id: unknown) => {
    const result = decode({ sensor_id: 's', ts: T, reading_id });
    assert.ok(result.ok);
    return result.event.id;
  };
  assert.equal(id('abc'), 'abc');
  assert.equal(id(12), '12');
  assert.equal(id(null), undefined);
  assert.equal(id(undefined), undefined);
  for (const bad of ['', 'i'.repeat(257), true, {}, [1], Number.NaN]) {
    assertRejected(
      { sensor_id: 's', ts: T, reading_id: bad },
      'EVENT_ID_INVALID',
      /event id field 'reading_id'/,
    );
  }
});

test('reasons never echo more than ~64 characters of a value', () => {
  const huge = 'A'.repeat(10_000);
  for (const raw of [
    { sensor_id: 's', ts: huge },
    { sensor_id: 's', ts: T, temperature: huge },
    { sensor_id: 's', ts: T, reading_id: huge },
  ]) {
    const result = decode(raw);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.ok(result.reason.length < 250, result.reason);
      assert.ok(!result.reason.includes('A'.repeat(65)));
    }
  }
  const emoji = decode({ sensor_id: 's', ts: '😀'.repeat(100) });
  assert.ok(!emoji.ok && !/[\ud800-\udbff](?![\udc00-\udfff])/.test(emoji.reason), 'no split surrogate pair');
});

test('the first problem of a record decides its code, in a fixed order', () => {
  assertRejected({ ts: 'bad', temperature: 'x' }, 'ENTITY_KEY_MISSING', /sensor_id/);
  assertRejected({ sensor_id: 's', ts: 'bad', temperature: 'x' }, 'EVENT_TIME_INVALID', /ts/);
  assertRejected(
    { sensor_id: 's', ts: T, temperature: 'x', reading_id: true },
    'FIELD_NOT_A_NUMBER',
    /temperature/,
  );
});

test('decodeJsonBytes: UTF-8 then JSON, with distinct codes', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  assert.deepEqual(decodeJsonBytes(bytes('{"sensor_id":"s","t":1}')), {
    ok: true,
    value: { sensor_id: 's', t: 1 },
  });
  assert.deepEqual(decodeJsonBytes(bytes('\ufeff[1]')), { ok: true, value: [1] });
  assert.deepEqual(decodeJsonBytes(bytes('"é"')), { ok: true, value: 'é' });

  const badUtf8 = decodeJsonBytes(new Uint8Array([0x7b, 0xff, 0x7d]));
  assert.deepEqual(badUtf8, {
    ok: false,
    code: 'INVALID_UTF8',
    reason: 'payload of 3 bytes is not valid UTF-8',
  });
  const truncated = decodeJsonBytes(bytes('{"a":"é"}').slice(0, 7)); // cut inside the 2-byte é
  assert.equal(truncated.ok === false && truncated.code, 'INVALID_UTF8');

  for (const text of ['', '{', '{"a":1}x', "{'a':1}", 'NaN', `{"a":"${'B'.repeat(5000)}"`]) {
    const result = decodeJsonBytes(bytes(text));
    assert.equal(result.ok, false, text);
    if (!result.ok) {
      assert.equal(result.code, 'INVALID_JSON');
      assert.match(result.reason, /^payload is not valid JSON: /);
      assert.ok(result.reason.length < 200, result.reason);
    }
  }
});

test('decoded bytes flow into decodeRecord', () => {
  const parsed = decodeJsonBytes(
    new TextEncoder().encode('{"sensor_id":"s","ts":"2024-05-01T12:00:00.123Z","temperature":1}'),
  );
  assert.ok(parsed.ok);
  assert.deepEqual(decode(parsed.value), {
    ok: true,
    entity: 's',
    event: { t: T, values: { temperature: 1 } },
  });
});

test('every reject code is listed once', () => {
  assert.equal(new Set(REJECT_CODES).size, REJECT_CODES.length);
});

test('recordOf is the inverse of decodeRecord: its record, through JSON, decodes to the same entity and event', () => {
  const id = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
  const event = fc.record(
    {
      t: fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
      id,
      values: fc.record(
        {
          temperature: fc.double({ min: -1e100, max: 1e100, noNaN: true }),
          humidity: fc.double({ min: -1e100, max: 1e100, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['t', 'values'] },
  );
  const withoutTime = compile({ eventTime: undefined, eventIdField: undefined });
  fc.assert(
    fc.property(id, event, (entity, e) => {
      // Numbers go through JSON text (as a dead letter does), which writes -0 as 0.
      const want = JSON.parse(JSON.stringify({ ...e, values: { ...e.values } }));
      assert.deepEqual(decode(JSON.parse(JSON.stringify(recordOf(VIEW, entity, want)))), {
        ok: true,
        entity,
        event: want,
      });
      // Without an event-time field the time is the arrival's, and ids are not read.
      const { id: _id, ...noId } = want;
      assert.deepEqual(decode(recordOf(withoutTime, entity, want), withoutTime), {
        ok: true,
        entity,
        event: { ...noId, t: ARRIVAL },
      });
    }),
  );
});
