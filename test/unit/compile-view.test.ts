import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileView, FIELDLESS_KEY } from '../../src/core/compile-view.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { SENSOR_STATS_VIEW } from '../helpers/views.js';

test('the documented sensor example compiles to milliseconds, tiles and bounds', () => {
  const compiled = compileView(resolveView(SENSOR_STATS_VIEW, 2, new Date(0)));
  assert.deepEqual(compiled, {
    name: 'sensor_stats',
    version: 2,
    entityKey: 'sensor_id',
    eventTimeField: 'ts',
    eventIdField: 'reading_id',
    granularityMs: 10_000,
    allowedLatenessMs: 300_000,
    ttlMs: 604_800_000,
    features: [
      {
        name: 'temp_avg_5m',
        agg: 'avg',
        field: 'temperature',
        kind: 'time',
        windowMs: 300_000,
        windowTiles: 30,
      },
      {
        name: 'temp_max_1h',
        agg: 'max',
        field: 'temperature',
        kind: 'time',
        windowMs: 3_600_000,
        windowTiles: 360,
      },
      { name: 'readings_5m', agg: 'count', kind: 'time', windowMs: 300_000, windowTiles: 30 },
      { name: 'temp_std_50', agg: 'stddev', field: 'temperature', kind: 'events', events: 50 },
      { name: 'temp_last', agg: 'last', field: 'temperature', kind: 'lifetime' },
    ],
    fields: ['temperature'],
    // (1h + 5m) / 10s
    retainedTiles: 390,
    eventsPerField: { temperature: 50 },
  });
});

test('fields keep first-use order; eventsPerField holds the largest count window per field, 0 when none', () => {
  const compiled = compileView(
    resolveView(
      {
        name: 'v',
        entityKey: 'id',
        source: { type: 'push' },
        features: [
          { name: 'b_sum', agg: 'sum', field: 'b', window: '1m' },
          { name: 'a_avg', agg: 'avg', field: 'a', events: 10 },
          { name: 'a_max', agg: 'max', field: 'a', events: 30 },
          { name: 'b_last', agg: 'last', field: 'b' },
          { name: 'c_last', agg: 'last', field: 'c', events: 5 },
          { name: 'n', agg: 'count', events: 7 },
          { name: 'n2', agg: 'count', events: 3 },
          { name: 'a_count', agg: 'count', field: 'a', window: '1m' },
        ],
      },
      1,
      new Date(0),
    ),
  );
  assert.deepEqual(compiled.fields, ['b', 'a', 'c']);
  assert.deepEqual(compiled.eventsPerField, { b: 0, a: 30, c: 5, [FIELDLESS_KEY]: 7 });
  assert.equal(compiled.eventTimeField, undefined);
  assert.equal(compiled.eventIdField, undefined);
  assert.equal('eventTimeField' in compiled, false);
});

test('without a time window no tiles are retained, whatever the lateness', () => {
  const compiled = compileView(
    resolveView(
      {
        name: 'v',
        entityKey: 'id',
        source: { type: 'push' },
        features: [{ name: 'l', agg: 'last', field: 'x' }],
      },
      1,
      new Date(0),
    ),
  );
  assert.equal(compiled.granularityMs, 60_000);
  assert.equal(compiled.allowedLatenessMs, 60_000);
  assert.equal(compiled.retainedTiles, 0);
  assert.deepEqual(compiled.eventsPerField, { x: 0 });
});

test('compileView refuses a view whose durations do not parse', () => {
  const view = resolveView(SENSOR_STATS_VIEW, 1, new Date(0));
  assert.throws(() => compileView({ ...view, granularity: '10 s' }), RangeError);
});
