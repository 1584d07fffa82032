/** Edge cases of the engine's window semantics (docs/semantics.md), each pinned by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyEvents,
  type EntityState,
  evaluate,
  newEntityState,
  watermarkOf,
} from '../../src/core/engine.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { Aggregation, CompiledView } from '../../src/core/feature-view.js';
import { tileStride } from '../../src/core/tiles.js';
import { compiledView, type TestFeature } from '../helpers/compiled-view.js';
import { storedRoundTrip } from '../helpers/state-round-trip.js';

/** The indexes of an entity's tiles, in order. */
const tileIndexes = (view: CompiledView, state: EntityState): number[] => {
  const stride = tileStride(view.fields.length);
  return Array.from({ length: state.tiles.length / stride }, (_, k) => state.tiles[k * stride]!);
};

const ev = (t: number, x?: number, id?: string): EngineEvent => ({
  t,
  values: x === undefined ? {} : { x },
  ...(id === undefined ? {} : { id }),
});

function run(view: CompiledView, events: EngineEvent[]): EntityState {
  const state = newEntityState();
  applyEvents(view, state, events);
  return state;
}

/** The moment and `last` aggregations (the anomaly-detection ones have their own tests). */
const CLASSIC: Aggregation[] = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'variance',
  'stddev_samp',
  'var_samp',
  'last',
];

/** Every classic aggregation over x with the given window, named by the aggregation. */
const allAggs = (window: Omit<TestFeature, 'name' | 'agg'>): TestFeature[] =>
  CLASSIC.map((agg) => ({ name: agg, agg, field: 'x', ...window }));

const EMPTY = {
  count: 0,
  sum: 0,
  avg: null,
  min: null,
  max: null,
  stddev: null,
  variance: null,
  stddev_samp: null,
  var_samp: null,
  last: null,
};

describe('engine edge cases', () => {
  it('an empty state reads count and sum 0 and every other aggregate null', () => {
    for (const window of [{ windowMs: 60_000 }, { events: 5 }]) {
      const view = compiledView({ granularityMs: 1000, features: allAggs(window) });
      const state = newEntityState();
      assert.equal(watermarkOf(state), null);
      assert.deepEqual(evaluate(view, state, Date.UTC(2024, 0, 1)), EMPTY);
    }
    const lifetime = compiledView({
      granularityMs: 1000,
      features: [{ name: 'l', agg: 'last', field: 'x' }],
    });
    assert.deepEqual(evaluate(lifetime, newEntityState(), 0), { l: null });
  });

  it('a time window decays to empty when events stop; count windows and lifetime last do not', () => {
    const view = compiledView({
      granularityMs: 1000,
      features: [
        ...allAggs({ windowMs: 5000 }),
        { name: 'n3', agg: 'avg', field: 'x', events: 3 },
        { name: 'l', agg: 'last', field: 'x' },
      ],
    });
    const state = run(view, [ev(1000, 2), ev(2000, 4), ev(3500, 9)]);
    const live = evaluate(view, state, 3500);
    assert.equal(live.count, 3);
    assert.equal(live.sum, 15);
    assert.equal(live.avg, 5);
    assert.equal(live.last, 9);
    // The window as of 7999 covers tiles 3..7: only the event at 3500 remains.
    assert.equal(evaluate(view, state, 7999).count, 1);
    assert.deepEqual(evaluate(view, state, 8000), { ...EMPTY, n3: 5, l: 9 });
  });

  it('one event: population deviation and variance 0, sample ones null', () => {
    const view = compiledView({ granularityMs: 10, features: allAggs({ windowMs: 100 }) });
    const got = evaluate(view, run(view, [ev(5, 3)]), 5);
    assert.deepEqual(got, {
      count: 1,
      sum: 3,
      avg: 3,
      min: 3,
      max: 3,
      stddev: 0,
      variance: 0,
      stddev_samp: null,
      var_samp: null,
      last: 3,
    });
  });

  it('ties in last go to the later arrival, in every window kind', () => {
    const view = compiledView({
      granularityMs: 10,
      features: [
        { name: 'time', agg: 'last', field: 'x', windowMs: 100 },
        { name: 'events', agg: 'last', field: 'x', events: 2 },
        { name: 'lifetime', agg: 'last', field: 'x' },
      ],
    });
    // Arrival order: 1 then 2 at t=50, then 3 at t=40 (older event time, so not the last).
    const state = run(view, [ev(50, 1), ev(50, 2), ev(40, 3)]);
    assert.deepEqual(evaluate(view, state, 50), { time: 2, events: 2, lifetime: 2 });
    // Ties also rank count windows: the 2 most recent are (50, second) and (50, first).
    const n2 = compiledView({
      granularityMs: 10,
      features: [{ name: 's', agg: 'sum', field: 'x', events: 2 }],
    });
    assert.deepEqual(evaluate(n2, run(n2, [ev(50, 1), ev(50, 2), ev(40, 3)]), 50), { s: 3 });
  });

  it('negative event times floor to their tile', () => {
    const view = compiledView({
      granularityMs: 10,
      allowedLatenessMs: 20,
      features: [{ name: 's', agg: 'sum', field: 'x', windowMs: 10 }],
    });
    // tile(-11) = -2, tile(-10) = tile(-1) = -1, tile(0) = 0.
    const state = run(view, [ev(-11, 1), ev(-10, 10), ev(-1, 100), ev(0, 1000)]);
    assert.deepEqual(evaluate(view, state, -5), { s: 110 });
    assert.deepEqual(evaluate(view, state, -11), { s: 1 });
    assert.deepEqual(evaluate(view, state, 9), { s: 1000 });
  });

  it('an event on a tile boundary belongs to the tile it starts; T’s tile counts even after T', () => {
    const view = compiledView({
      granularityMs: 10,
      features: [
        { name: 'time', agg: 'count', windowMs: 10 },
        { name: 'events', agg: 'count', events: 10 },
        { name: 'lifetime', agg: 'last', field: 'x' },
      ],
    });
    const state = run(view, [ev(20, 1), ev(25, 2)]);
    assert.deepEqual(evaluate(view, state, 19), { time: 0, events: 0, lifetime: null });
    // As of 21: both events are in T's tile (20..29), so the time window and lifetime last include the one at
    // 25 although it is after T; a count window takes only events at or before T.
    assert.deepEqual(evaluate(view, state, 21), { time: 2, events: 1, lifetime: 2 });
    assert.deepEqual(evaluate(view, state, 29), { time: 2, events: 2, lifetime: 2 });
    assert.deepEqual(evaluate(view, state, 30), { time: 0, events: 2, lifetime: 2 });
  });

  it('judges lateness and duplicates in arrival order: late first, then duplicate', () => {
    const view = compiledView({
      granularityMs: 10,
      allowedLatenessMs: 5,
      eventIdField: 'id',
      features: [{ name: 'n', agg: 'count', windowMs: 1000 }],
    });
    const state = newEntityState();
    assert.deepEqual(
      applyEvents(view, state, [ev(100, 1, 'a'), ev(94, 1, 'b'), ev(95, 1, 'c'), ev(100, 1, 'a')]),
      {
        accepted: 2,
        late: 1,
        duplicate: 1,
      },
    );
    // A copy of 'a' with an event time past the lateness bound is late, not a duplicate.
    assert.deepEqual(applyEvents(view, state, [ev(90, 1, 'a')]), { accepted: 0, late: 1, duplicate: 0 });
    assert.equal(watermarkOf(state), 100);
    assert.deepEqual(evaluate(view, state, 100), { n: 2 });
    // Once the watermark leaves 'a' (t=100) behind by more than the lateness, the id is forgotten.
    assert.deepEqual(applyEvents(view, state, [ev(200, 1, 'd'), ev(196, 1, 'a')]), {
      accepted: 2,
      late: 0,
      duplicate: 0,
    });
    assert.deepEqual(Object.keys(state.ids).sort(), ['#a', '#d']);
  });

  it('remembers only ids within the lateness of the watermark', () => {
    const view = compiledView({
      granularityMs: 1000,
      allowedLatenessMs: 10_000,
      eventIdField: 'id',
      features: [{ name: 'n', agg: 'count', windowMs: 60_000 }],
    });
    const state = newEntityState();
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      applyEvents(view, state, [ev(i * 1000, 1, `id${i}`)]);
      most = Math.max(most, Object.keys(state.ids).length);
    }
    // Ids within the lateness (11 at one per second) plus at most the pruning slack (max(g, lateness / 2)).
    assert.ok(most >= 11 && most <= 17, `remembered up to ${most} ids`);
    const times = Object.values(state.ids);
    assert.ok(Math.min(...times) >= 999_000 - 15_000);
    assert.ok(state.oldestIdTime !== null && state.oldestIdTime <= Math.min(...times));
  });

  it('ids that look like object internals are plain data keys', () => {
    const view = compiledView({
      granularityMs: 10,
      eventIdField: 'id',
      features: [{ name: 'n', agg: 'count', windowMs: 100 }],
    });
    let state = newEntityState();
    const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    assert.equal(
      applyEvents(
        view,
        state,
        ids.map((id) => ev(5, 1, id)),
      ).accepted,
      4,
    );
    state = storedRoundTrip(state);
    assert.deepEqual(
      applyEvents(
        view,
        state,
        ids.map((id) => ev(6, 1, id)),
      ),
      {
        accepted: 0,
        late: 0,
        duplicate: 4,
      },
    );
  });

  it('lifetime last survives the pruning of its tile', () => {
    const view = compiledView({
      granularityMs: 10,
      allowedLatenessMs: 0,
      features: [
        { name: 'l', agg: 'last', field: 'x' },
        { name: 'recent', agg: 'last', field: 'x', windowMs: 20 },
      ],
    });
    const state = run(view, [ev(3, 7), ev(4, 8)]);
    applyEvents(view, state, [ev(1000)]);
    assert.deepEqual(tileIndexes(view, state), [100]);
    assert.deepEqual(evaluate(view, state, 1000), { l: 8, recent: null });
    // Before the retained data the engine returns fewer rather than a value from T's future.
    assert.deepEqual(evaluate(view, state, -5), { l: null, recent: null });
  });

  it('without time windows, no tiles are kept: count windows and lifetime last serve every read', () => {
    const view = compiledView({
      granularityMs: 10,
      allowedLatenessMs: 15,
      features: [
        { name: 'l', agg: 'last', field: 'x' },
        { name: 'avg3', agg: 'avg', field: 'x', events: 3 },
      ],
    });
    // The event at 86 is accepted (86 >= 100 - 15) after the newer one at 100.
    const state = run(view, [ev(100, 1), ev(86, 2), ev(90, 3)]);
    assert.deepEqual(tileIndexes(view, state), []);
    assert.deepEqual(evaluate(view, state, 100), { l: 1, avg3: 2 });
    // Before the watermark lifetime last may read null (fewer), never a value from T's future.
    assert.deepEqual(evaluate(view, state, 89), { l: null, avg3: 2 });
  });

  it('count windows keep the top N by event time; reads before them may return fewer', () => {
    const view = compiledView({
      granularityMs: 1,
      allowedLatenessMs: 10,
      features: [{ name: 's', agg: 'sum', field: 'x', events: 2 }],
    });
    const state = run(view, [ev(5, 500), ev(1, 100), ev(3, 300)]);
    assert.deepEqual(evaluate(view, state, 5), { s: 800 });
    // §3 would give 100 + 300 as of 4; only (3, 300) is retained.
    assert.deepEqual(evaluate(view, state, 4), { s: 300 });
    assert.deepEqual(evaluate(view, state, 0), { s: 0 });
  });

  it('counts records without a field only in field-less counts', () => {
    const view = compiledView({
      granularityMs: 10,
      features: [
        { name: 'records', agg: 'count', windowMs: 100 },
        { name: 'readings', agg: 'count', field: 'x', windowMs: 100 },
        { name: 'last_records', agg: 'count', events: 5 },
        { name: 'last_readings', agg: 'count', field: 'x', events: 5 },
      ],
    });
    const state = run(view, [ev(1, 1), ev(2), ev(3, 3), ev(4)]);
    assert.deepEqual(evaluate(view, state, 4), {
      records: 4,
      readings: 2,
      last_records: 4,
      last_readings: 2,
    });
  });

  it('evaluates a requested subset of features, and unknown fields as empty', () => {
    const view = compiledView({
      granularityMs: 10,
      features: [
        { name: 'a', agg: 'sum', field: 'x', windowMs: 100 },
        { name: 'b', agg: 'max', field: 'x', windowMs: 100 },
      ],
    });
    const state = run(view, [ev(1, 4)]);
    assert.deepEqual(evaluate(view, state, 1, [view.features[1]!]), { b: 4 });
    assert.deepEqual(
      evaluate(view, state, 1, [
        { name: 'c', agg: 'avg', field: 'nope', kind: 'time', windowMs: 100, windowTiles: 10 },
      ]),
      { c: null },
    );
  });
});
