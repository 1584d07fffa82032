import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { EddyError, ErrorCode } from '../../src/core/errors.js';
import type { FeatureSpec, FeatureView, FeatureViewSpec } from '../../src/core/feature-view.js';
import { resolveView, sameDefinition } from '../../src/core/resolve-view.js';
import { SENSOR_STATS_VIEW } from '../helpers/views.js';

const CREATED = new Date('2025-01-02T03:04:05.678Z');

const spec = (overrides: Partial<FeatureViewSpec> = {}): FeatureViewSpec => ({
  name: 'v',
  entityKey: 'id',
  source: { type: 'push' },
  features: [{ name: 'n', agg: 'count', window: '5m' }],
  ...overrides,
});

const windows = (...durations: string[]): FeatureSpec[] =>
  durations.map((window, i) => ({ name: `f${i}`, agg: 'sum', field: 'x', window }));

const resolve = (s: FeatureViewSpec) => resolveView(s, 1, CREATED);

function assertInvalid(s: FeatureViewSpec, field: string, message: RegExp): void {
  assert.throws(
    () => resolve(s),
    (error: unknown) => {
      assert.ok(error instanceof EddyError, String(error));
      assert.equal(error.code, ErrorCode.INVALID_FEATURE_VIEW);
      assert.equal(error.field, field);
      assert.ok(error.message.startsWith(`${field}: `), error.message);
      assert.match(error.message, message);
      return true;
    },
  );
}

test('the documented sensor example resolves with its own settings and explicit sink defaults', () => {
  const view = resolve(SENSOR_STATS_VIEW);
  const expected: FeatureView = {
    ...SENSOR_STATS_VIEW,
    version: 1,
    createdAt: '2025-01-02T03:04:05.678Z',
    granularity: '10s',
    allowedLateness: '5m',
    ttl: '7d',
    sinks: {
      sagemaker: {
        featureGroupName: 'sensor-stats',
        recordIdentifierFeatureName: 'sensor_id',
        eventTimeFeatureName: 'event_time',
      },
    },
  };
  assert.deepEqual(view, expected);
  assert.deepEqual(Object.keys(view).slice(0, 3), ['name', 'version', 'createdAt']);
});

test('the example without granularity, lateness and ttl gets chosen defaults', () => {
  const { granularity: _g, allowedLateness: _l, ttl: _t, ...rest } = SENSOR_STATS_VIEW;
  const view = resolve(rest);
  // 1s and 2s give more than 1,440 tiles for 1h; 5s divides 5m and 1h.
  assert.equal(view.granularity, '5s');
  assert.equal(view.allowedLateness, '1h');
  assert.equal(view.ttl, '7d');
});

test('a kinesis source defaults startPosition to LATEST; a push source stays bare', () => {
  const kinesis = resolve(spec({ source: { type: 'kinesis', streamName: 's' } }));
  assert.deepEqual(kinesis.source, { type: 'kinesis', streamName: 's', startPosition: 'LATEST' });
  const at = resolve(
    spec({
      source: { type: 'kinesis', streamName: 's', startPosition: { atTimestamp: '2025-01-01T00:00:00Z' } },
    }),
  );
  assert.deepEqual(at.source, {
    type: 'kinesis',
    streamName: 's',
    startPosition: { atTimestamp: '2025-01-01T00:00:00Z' },
  });
  assert.deepEqual(resolve(spec()).source, { type: 'push' });
});

test('the resolved view holds no undefined values and drops properties it does not know', () => {
  const sloppy = { ...spec(), extra: 1, features: [{ name: 'n', agg: 'count', window: '5m', junk: true }] };
  const view = resolve(sloppy as FeatureViewSpec);
  assert.deepEqual(view, {
    name: 'v',
    version: 1,
    createdAt: CREATED.toISOString(),
    entityKey: 'id',
    source: { type: 'push' },
    granularity: '1s',
    allowedLateness: '5m',
    ttl: '7d',
    features: [{ name: 'n', agg: 'count', window: '5m' }],
  });
});

test('granularity is chosen from the nice list, then the gcd of the windows', () => {
  const cases: [string[], string][] = [
    [['5m'], '1s'],
    [['5m', '1h'], '5s'],
    [['1d'], '1m'],
    [['7d', '1d'], '10m'],
    [['45m', '7d'], '15m'],
    [['30d'], '30m'],
    [['1500ms'], '1500ms'],
    [['1500ms', '3s'], '1500ms'],
    [['2000d'], '2000d'],
  ];
  for (const [ws, expected] of cases) {
    assert.equal(resolve(spec({ features: windows(...ws) })).granularity, expected, ws.join(','));
  }
});

test('windows without a common tile size are rejected naming /granularity', () => {
  // gcd(7s, 1d) = 1s: 86,400 tiles for 1d; no nice value divides 7s with ≤ 1,440 tiles for 1d.
  assertInvalid(
    spec({ features: windows('7s', '1d') }),
    '/granularity',
    /cannot share a tile size.*1s.*86400 tiles/,
  );
  assertInvalid(spec({ features: windows('1500ms', '1h') }), '/granularity', /1500ms, 1h cannot share/);
  assertInvalid(spec({ features: windows('1441d', '1d') }), '/granularity', /1441 tiles/);
});

test('a view without time windows gets 1m granularity and lateness', () => {
  const view = resolve(
    spec({
      features: [
        { name: 'l', agg: 'last', field: 'x' },
        { name: 'c', agg: 'count', events: 10 },
      ],
    }),
  );
  assert.equal(view.granularity, '1m');
  assert.equal(view.allowedLateness, '1m');
  assert.equal(view.ttl, '7d');
});

test('with an explicit lateness the chosen granularity keeps retention within 10,080 tiles', () => {
  // (5m + 1d) / g <= 10,080 needs g >= 8.6s: 10s.
  assert.equal(resolve(spec({ features: windows('5m'), allowedLateness: '1d' })).granularity, '10s');
  assert.equal(resolve(spec({ features: windows('5m'), allowedLateness: '30d' })).granularity, '5m');
  assertInvalid(
    spec({ features: windows('5m'), allowedLateness: '60d' }),
    '/allowedLateness',
    /17281 tiles of 5m/,
  );
});

test('retention beyond 10,080 tiles is rejected naming /allowedLateness', () => {
  const s = spec({ granularity: '10s', features: windows('1h') });
  assert.equal(resolve({ ...s, allowedLateness: '1d' }).allowedLateness, '1d'); // 9,000 tiles
  assertInvalid(
    { ...s, allowedLateness: '2d' },
    '/allowedLateness',
    /keeps 17640 tiles of 10s; at most 10080/,
  );
});

test('lateness is not bounded by tiles when there is no time window', () => {
  const view = resolve(spec({ allowedLateness: '30d', features: [{ name: 'c', agg: 'count', events: 5 }] }));
  assert.equal(view.allowedLateness, '30d');
});

test('every time window must be a whole multiple of an explicit granularity, within 1,440 tiles', () => {
  assertInvalid(
    spec({ granularity: '10s', features: windows('5m', '45s') }),
    '/features/1/window',
    /window 45s is not a whole multiple of granularity 10s/,
  );
  assertInvalid(
    spec({ granularity: '1s', features: windows('1h') }),
    '/features/0/window',
    /3600 tiles.*at most 1440/,
  );
  assert.equal(resolve(spec({ granularity: '1s', features: windows('24m') })).granularity, '1s'); // exactly 1,440
});

test('ttl defaults to 7d or the largest window, and may not be shorter than it', () => {
  assert.equal(resolve(spec({ features: windows('30d') })).ttl, '30d');
  assert.equal(resolve(spec({ features: windows('1h'), ttl: '1h' })).ttl, '1h');
  assertInvalid(
    spec({ features: windows('1h'), ttl: '30m' }),
    '/ttl',
    /ttl 30m is shorter than the largest time window 1h/,
  );
});

test('window and events: exactly one, except for last', () => {
  assertInvalid(
    spec({ features: [{ name: 'a', agg: 'avg', field: 'x', window: '5m', events: 5 }] }),
    '/features/0/window',
    /exactly one of window and events/,
  );
  assertInvalid(
    spec({
      features: [
        { name: 'ok', agg: 'count', window: '5m' },
        { name: 'a', agg: 'avg', field: 'x' },
      ],
    }),
    '/features/1/window',
    /'avg' needs a window or events/,
  );
  assertInvalid(
    spec({ features: [{ name: 'l', agg: 'last', field: 'x', window: '5m', events: 5 }] }),
    '/features/0/window',
    /not both/,
  );
  const view = resolve(spec({ features: [{ name: 'l', agg: 'last', field: 'x' }] }));
  assert.deepEqual(view.features, [{ name: 'l', agg: 'last', field: 'x' }]);
});

test('field is required for every aggregation but count', () => {
  for (const agg of [
    'sum',
    'avg',
    'min',
    'max',
    'stddev',
    'variance',
    'stddev_samp',
    'var_samp',
    'last',
  ] as const) {
    assertInvalid(
      spec({ features: [{ name: 'f', agg, events: 3 }] }),
      '/features/0/field',
      new RegExp(`'${agg}' needs a field`),
    );
  }
  assert.equal(
    resolve(spec({ features: [{ name: 'c', agg: 'count', window: '1m' }] })).features[0]?.field,
    undefined,
  );
  assert.equal(
    resolve(spec({ features: [{ name: 'c', agg: 'count', field: 'x', window: '1m' }] })).features[0]?.field,
    'x',
  );
});

test('duplicate feature names are rejected at the second one', () => {
  assertInvalid(
    spec({ features: [...windows('1m', '2m'), { name: 'f0', agg: 'count', window: '1m' }] }),
    '/features/2/name',
    /duplicate feature name 'f0' \(also \/features\/0\)/,
  );
});

test('events must be an integer from 1 to 1000', () => {
  for (const events of [0, 1001, 1.5, -1]) {
    assertInvalid(
      spec({ features: [{ name: 'c', agg: 'count', events }] }),
      '/features/0/events',
      /from 1 to 1000/,
    );
  }
  assert.equal(
    resolve(spec({ features: [{ name: 'c', agg: 'count', events: 1000 }] })).features[0]?.events,
    1000,
  );
});

test('invalid durations name their field', () => {
  assertInvalid(spec({ granularity: '0s' }), '/granularity', /'0s' is not a duration/);
  assertInvalid(spec({ allowedLateness: '5 m' }), '/allowedLateness', /not a duration/);
  assertInvalid(spec({ ttl: '1w' }), '/ttl', /not a duration/);
  assertInvalid(spec({ features: windows('1m', '90') }), '/features/1/window', /'90' is not a duration/);
});

test('names, record fields, aggregations and sources are checked even without the HTTP schema', () => {
  assertInvalid(spec({ name: 'Bad' }), '/name', /must match/);
  assertInvalid(
    spec({ features: [{ name: '9x', agg: 'count', events: 1 }] }),
    '/features/0/name',
    /must match/,
  );
  assertInvalid(spec({ entityKey: '' }), '/entityKey', /1 to 128 characters/);
  assertInvalid(spec({ entityKey: 'k'.repeat(129) }), '/entityKey', /1 to 128 characters/);
  assertInvalid(spec({ eventTime: { field: '' } }), '/eventTime/field', /1 to 128/);
  assertInvalid(spec({ eventIdField: '__proto__' }), '/eventIdField', /__proto__/);
  assertInvalid(
    spec({ features: [{ name: 'm', agg: 'median' as 'max', field: 'x', events: 1 }] }),
    '/features/0/agg',
    /unknown aggregation 'median'/,
  );
  assertInvalid(spec({ features: [] }), '/features', /1 to 100 features/);
  assertInvalid(spec({ description: 'x'.repeat(1025) }), '/description', /1024/);
});

test('a kinesis source needs a valid streamName and startPosition', () => {
  assertInvalid(
    spec({ source: { type: 'kinesis' } as FeatureViewSpec['source'] }),
    '/source/streamName',
    /needs a streamName/,
  );
  assertInvalid(
    spec({ source: { type: 'kinesis', streamName: 'a b' } }),
    '/source/streamName',
    /\[a-zA-Z0-9_.-\]/,
  );
  assertInvalid(
    spec({
      source: { type: 'kinesis', streamName: 's', startPosition: { atTimestamp: '2025-01-01T00:00:00' } },
    }),
    '/source/startPosition/atTimestamp',
    /with a zone/,
  );
  assertInvalid(
    spec({ source: { type: 'kinesis', streamName: 's', startPosition: 'EARLIEST' as 'LATEST' } }),
    '/source/startPosition',
    /'LATEST', 'TRIM_HORIZON' or \{ atTimestamp \}/,
  );
  assertInvalid(
    spec({ source: { type: 'file' } as unknown as FeatureViewSpec['source'] }),
    '/source/type',
    /kinesis' or 'push/,
  );
  assertInvalid(spec({ source: undefined as unknown as FeatureViewSpec['source'] }), '/source', /required/);
});

test('SageMaker names are valid, unreserved and distinct', () => {
  const sink = { sagemaker: { featureGroupName: 'g' } };
  assertInvalid(
    spec({ entityKey: 'sensor.id', sinks: sink }),
    '/sinks/sagemaker/recordIdentifierFeatureName',
    /'sensor.id' \(defaulted from entityKey\) is not a valid SageMaker feature name/,
  );
  const ok = resolve(
    spec({
      entityKey: 'sensor.id',
      sinks: { sagemaker: { featureGroupName: 'g', recordIdentifierFeatureName: 'sensor_id' } },
    }),
  );
  assert.equal(ok.sinks?.sagemaker?.recordIdentifierFeatureName, 'sensor_id');
  assertInvalid(
    spec({ sinks: sink, features: [{ name: 'event_time', agg: 'max', field: 'ts', events: 1 }] }),
    '/features/0/name',
    /'event_time' is also the SageMaker feature name at \/sinks\/sagemaker\/eventTimeFeatureName/,
  );
  assertInvalid(
    spec({ sinks: sink, features: [{ name: 'temp_', agg: 'count', events: 1 }] }),
    '/features/0/name',
    /not a valid SageMaker/,
  );
  assertInvalid(
    spec({ sinks: sink, features: [{ name: 'write_time', agg: 'count', events: 1 }] }),
    '/features/0/name',
    /reserves/,
  );
  assertInvalid(
    spec({ sinks: { sagemaker: { featureGroupName: '-g' } } }),
    '/sinks/sagemaker/featureGroupName',
    /must match/,
  );
  // Without the sink, SageMaker's rules do not apply.
  assert.equal(
    resolve(spec({ features: [{ name: 'temp_', agg: 'count', events: 1 }] })).features[0]?.name,
    'temp_',
  );
  // An empty `sinks` is dropped.
  assert.equal(resolve(spec({ sinks: {} })).sinks, undefined);
});

test('resolving a resolved view changes nothing but version and createdAt', () => {
  const first = resolve(SENSOR_STATS_VIEW);
  const again = resolveView(first, 7, new Date(0));
  assert.deepEqual({ ...again, version: 1, createdAt: first.createdAt }, first);
});

test('sameDefinition ignores version, createdAt, defaults and duration spelling', () => {
  const stored = resolveView(SENSOR_STATS_VIEW, 3, CREATED);
  assert.equal(sameDefinition(SENSOR_STATS_VIEW, stored), true);
  assert.equal(sameDefinition(resolveView(SENSOR_STATS_VIEW, 4, new Date()), stored), true);
  assert.equal(sameDefinition(spec(), resolve(spec())), true);
  assert.equal(sameDefinition(spec({ granularity: '1s', allowedLateness: '5m', ttl: '7d' }), spec()), true);
  assert.equal(sameDefinition(spec({ features: windows('60s') }), spec({ features: windows('1m') })), true);
  assert.equal(sameDefinition(spec({ sinks: {} }), spec()), true);
  const at = (atTimestamp: string) =>
    spec({ source: { type: 'kinesis', streamName: 's', startPosition: { atTimestamp } } });
  assert.equal(sameDefinition(at('2025-01-01T00:00:00Z'), at('2025-01-01T01:00:00.000+01:00')), true);
  assert.equal(
    sameDefinition(
      spec({ source: { type: 'kinesis', streamName: 's' } }),
      spec({ source: { type: 'kinesis', streamName: 's', startPosition: 'LATEST' } }),
    ),
    true,
  );
});

test('sameDefinition sees every real change', () => {
  const base = spec({ features: windows('1m', '2m') });
  const changes: FeatureViewSpec[] = [
    { ...base, description: 'now described' },
    { ...base, features: windows('2m', '1m') },
    { ...base, features: [...windows('1m'), { name: 'f1', agg: 'avg', field: 'x', window: '2m' }] },
    { ...base, granularity: '2s' },
    { ...base, allowedLateness: '1m' },
    { ...base, ttl: '8d' },
    { ...base, eventIdField: 'id' },
    { ...base, eventTime: { field: 'ts' } },
    { ...base, entityKey: 'other' },
    { ...base, source: { type: 'kinesis', streamName: 's' } },
  ];
  for (const changed of changes) assert.equal(sameDefinition(base, changed), false, JSON.stringify(changed));
});

test('a chosen granularity always divides every window and fits 1,440 tiles, or /granularity is named', () => {
  const units = ['ms', 's', 'm', 'h', 'd'];
  const duration = fc
    .tuple(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(...units))
    .map(([n, u]) => `${n}${u}`);
  fc.assert(
    fc.property(fc.array(duration, { minLength: 1, maxLength: 5 }), (ws) => {
      try {
        const view = resolve(spec({ features: windows(...ws) }));
        const g = parseDuration(view.granularity)!;
        assert.equal(view.granularity, formatDuration(g));
        for (const w of ws) {
          const ms = parseDuration(w)!;
          assert.equal(ms % g, 0);
          assert.ok(ms / g <= 1440);
        }
      } catch (error) {
        assert.ok(error instanceof EddyError && error.field === '/granularity', String(error));
      }
    }),
  );
});
