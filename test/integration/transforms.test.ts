/**
 * View transforms over HTTP push (docs/semantics.md#transforms): generated nested, batched and mixed records go
 * through the real push lanes, and every online value equals the brute-force oracle fed with events flattened by
 * hand in this test (plain JavaScript, not CEL). Also: INVALID_EXPRESSION at registration, TRANSFORM_FAILED dead
 * letters replayed through a fixed version, `filtered` in receipts, status and metrics, and hostile input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { assertOnlineEqualsOracles, oraclesFor } from '../helpers/online-oracle.js';

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy({ EDDY_PUSH_LANES: '2', LOG_LEVEL: process.env.TEST_LOG ?? 'silent' });
});
after(() => eddy.close());

const T0 = Date.parse('2026-01-01T00:00:00Z');

const TRANSFORM = {
  each: 'payload.readings',
  filter: "kind == 'temperature' && item.quality >= 2",
  fields: {
    sensor: "device.id + '/' + item.channel",
    temp_c: '(item.temp_f - 32) * 5 / 9',
    ts: 'item.ts',
  },
};

const viewSpec = (name: string, transform: object = TRANSFORM) => ({
  name,
  entityKey: 'sensor',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '1m',
  features: [
    { name: 'temp_avg_1m', agg: 'avg', field: 'temp_c', window: '1m' },
    { name: 'temp_max_5m', agg: 'max', field: 'temp_c', window: '5m' },
    { name: 'n_1m', agg: 'count', window: '1m' },
    { name: 'temp_std_5', agg: 'stddev', field: 'temp_c', events: 5 },
    { name: 'temp_last', agg: 'last', field: 'temp_c' },
  ],
  transform,
});

const register = (spec: object) =>
  eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: spec });
const push = (view: string, records: unknown[]) =>
  eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${view}/records?wait=true`,
    payload: { records },
  });
const status = async (view: string) =>
  (await eddy.app.inject({ url: `/v1/feature-views/${view}/status` })).json();

interface Reading {
  channel: string;
  temp_f: number;
  dt: number;
  quality: number;
}
interface NestedRecord {
  kind: string;
  device: number;
  readings: Reading[];
}

const readingArb = fc.record<Reading>({
  channel: fc.constantFrom('a', 'b'),
  temp_f: fc.oneof(fc.integer({ min: -40, max: 250 }), fc.double({ min: -40, max: 250, noNaN: true })),
  dt: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
    fc.integer({ min: -90_000, max: 0 }),
  ),
  quality: fc.integer({ min: 0, max: 3 }),
});
const recordArb = fc.record<NestedRecord>({
  kind: fc.constantFrom('temperature', 'temperature', 'vibration'),
  device: fc.integer({ min: 0, max: 2 }),
  readings: fc.array(readingArb, { maxLength: 6 }),
});

describe('transformed push ingestion equals the oracle', () => {
  test('generated nested records: values, counts and filtered events', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 40 }), async (generated) => {
        const name = `nested_${++run}`;
        const created = await register(viewSpec(name));
        assert.equal(created.statusCode, 201, created.body);
        const view = compileView(created.json() as FeatureView);

        // Flatten by hand: the reference does in JavaScript what the CEL transform says.
        const byEntity = new Map<string, EngineEvent[]>();
        let clock = T0;
        let filtered = 0;
        const records = generated.map((g) => {
          const readings = g.readings.map((r) => {
            clock += r.dt;
            return { channel: r.channel, temp_f: r.temp_f, ts: clock, quality: r.quality };
          });
          for (const r of readings) {
            if (g.kind !== 'temperature' || r.quality < 2) {
              filtered++;
              continue;
            }
            const entity = `d${g.device}/${r.channel}`;
            const list = byEntity.get(entity) ?? [];
            list.push({ t: r.ts, values: { temp_c: ((r.temp_f - 32) * 5) / 9 } });
            byEntity.set(entity, list);
          }
          return { kind: g.kind, device: { id: `d${g.device}` }, payload: { readings } };
        });

        const res = await push(name, records);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().filtered, filtered);
        assert.deepEqual(res.json().rejected, []);

        const { oracles, counts: totals } = oraclesFor(view, byEntity);
        const s = await status(name);
        assert.deepEqual(s.counts, { ...totals, rejected: 0, filtered });

        await assertOnlineEqualsOracles(eddy.app, view, oracles);
        await eddy.app.inject({ method: 'DELETE', url: `/v1/feature-views/${name}` });
      }),
      { numRuns: 12 },
    );
  });
});

describe('transform errors', () => {
  test('an expression that does not compile answers 400 INVALID_EXPRESSION with pointer and position', async () => {
    const res = await register(viewSpec('bad_expr', { ...TRANSFORM, filter: "kind == 'temperature' &&" }));
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    const body = res.json();
    assert.equal(body.code, 'INVALID_EXPRESSION');
    assert.equal(body.field, '/body/transform/filter');
    assert.equal(body.position, 24);
    const unknown = await register(viewSpec('bad_fn', { fields: { temp_c: 'celsius(temp_f)' } }));
    assert.equal(unknown.json().code, 'INVALID_EXPRESSION');
    assert.equal(unknown.json().field, '/body/transform/fields/temp_c');
  });

  test('a record whose expression fails is a TRANSFORM_FAILED dead letter; a replay runs the latest version', async () => {
    assert.equal((await register(viewSpec('replayed'))).statusCode, 201);
    const good = {
      kind: 'temperature',
      device: { id: 'd1' },
      payload: { readings: [{ channel: 'a', temp_f: 212, ts: T0, quality: 3 }] },
    };
    const inKelvin = {
      kind: 'temperature',
      device: { id: 'd1' },
      payload: { readings: [{ channel: 'a', temp_k: 373.15, ts: T0 + 1_000, quality: 3 }] },
    };
    const res = await push('replayed', [inKelvin, good]);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().applied.accepted, 1, 'the good record is not blocked');
    assert.equal(res.json().rejected[0].code, 'TRANSFORM_FAILED');
    assert.match(res.json().rejected[0].reason, /field 'temp_c'.*temp_f/);
    const letters = (await eddy.app.inject({ url: '/v1/feature-views/replayed/dead-letters' })).json();
    assert.equal(letters.total, 1);
    assert.equal(letters.items[0].code, 'TRANSFORM_FAILED');

    const fixed = viewSpec('replayed', {
      ...TRANSFORM,
      fields: {
        ...TRANSFORM.fields,
        temp_c: 'has(item.temp_k) ? item.temp_k - 273.15 : (item.temp_f - 32) * 5 / 9',
      },
    });
    const v2 = await eddy.app.inject({ method: 'PUT', url: '/v1/feature-views/replayed', payload: fixed });
    assert.equal(v2.statusCode, 200, v2.body);
    assert.equal(v2.json().version, 2);
    assert.deepEqual(v2.json().transform, fixed.transform);
    const replay = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/replayed/dead-letters/replay?wait=true',
      payload: { ids: [letters.items[0].id] },
    });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(replay.json().replayed, 1, replay.body);
    await waitFor(
      async () => (await status('replayed')).counts.accepted === 1,
      10_000,
      async () => [
        await status('replayed'),
        (await eddy.app.inject({ url: '/v1/feature-views/replayed/status?version=1' })).json(),
        replay.json(),
        await eddy.redis.keys('*'),
      ],
    );
    const entity = (
      await eddy.app.inject({ url: '/v1/feature-views/replayed/entities/d1%2Fa?asOf=latest' })
    ).json();
    assert.ok(Math.abs(entity.values.temp_last - 100) < 1e-9, JSON.stringify(entity));
  });

  test('filtered events show in eddy_records_total', async () => {
    assert.equal((await register(viewSpec('metered'))).statusCode, 201);
    const record = {
      kind: 'vibration',
      device: { id: 'd' },
      payload: { readings: [{ channel: 'a', temp_f: 1, ts: T0, quality: 3 }] },
    };
    assert.equal((await push('metered', [record, record])).json().filtered, 2);
    const metrics = (await eddy.app.inject({ url: '/metrics' })).body;
    assert.match(
      metrics,
      /eddy_records_total\{[^}]*view="metered"[^}]*outcome="filtered"[^}]*\} 2|eddy_records_total\{[^}]*outcome="filtered"[^}]*view="metered"[^}]*\} 2/,
    );
  });
});

describe('hostile transforms and records answer 400 or reject the record, never crash or hang', () => {
  test('expressions: deep nesting, huge literals, nested comprehensions, regular expressions', async () => {
    const hostile = [
      { fields: { temp_c: `${'('.repeat(500)}1${')'.repeat(500)}` } },
      { fields: { temp_c: `[${Array.from({ length: 400 }, () => '1').join(',')}].size()` } },
      { each: 'payload.readings.map(a, payload.readings.map(b, a))' },
      { filter: "kind.matches('(a+)+$')" },
      { fields: { temp_c: '-'.repeat(990).concat('1') } },
    ];
    for (const transform of hostile) {
      const res = await register(viewSpec('hostile_expr', transform));
      assert.equal(res.statusCode, 400, `${JSON.stringify(transform).slice(0, 80)}: ${res.body}`);
      assert.ok(['INVALID_EXPRESSION', 'VALIDATION_FAILED'].includes(res.json().code), res.body);
    }
  });

  test('records: huge lists, long strings, deep nesting and __proto__ are rejected or read as data', async () => {
    const spec = viewSpec('hostile_rec', {
      each: 'payload.readings',
      fields: {
        sensor: "string(record['__proto__'].id) + '/' + item.channel",
        temp_c: 'double(size(note))',
        ts: 'item.ts',
      },
    });
    assert.equal((await register(spec)).statusCode, 201);
    // JSON texts: a JS object literal would set the prototype instead of a `__proto__` key.
    const reading = JSON.stringify({ channel: 'a', ts: T0 });
    const proto = '"__proto__":{"id":"p"}';
    const records = [
      `{${proto},"note":${JSON.stringify('x'.repeat(1_000_000))},"payload":{"readings":[${reading}]}}`,
      `{${proto},"note":"x","payload":{"readings":[${Array(5_000).fill(reading).join(',')}]}}`,
      `{${proto},"note":"x","payload":{"readings":[${reading}]},"deep":${'{"d":'.repeat(2_000)}1${'}'.repeat(2_000)}}`,
      `{"note":"x","payload":{"readings":[${reading}]}}`,
    ];
    const body = `{"records":[${records.join(',')}]}`;
    const res = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/hostile_rec/records?wait=true',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    const receipt = res.json();
    assert.deepEqual(
      receipt.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
      [
        [1, 'TRANSFORM_FAILED'],
        [3, 'TRANSFORM_FAILED'],
      ],
    );
    assert.equal(receipt.applied.accepted, 2);
    assert.equal(({} as Record<string, unknown>).id, undefined, 'no prototype was polluted');
    const entity = (
      await eddy.app.inject({ url: '/v1/feature-views/hostile_rec/entities/p%2Fa?asOf=latest' })
    ).json();
    assert.equal(entity.values.temp_last, 1, 'the later record wins at the same event time');
  });
});

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  describeState: () => Promise<unknown> = async () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`condition not reached: ${JSON.stringify(await describeState())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
