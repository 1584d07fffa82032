/**
 * Rows from the online state (src/core/historical/retained-row.ts), by hand from
 * docs/semantics.md#training-rows-from-the-online-state: states built by the engine from a few events, then rows
 * at tile ends, inside tiles, before the retention, for both boundaries; EW values from the oracle's definition.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvents, newEntityState } from '../../src/core/engine.js';
import type { CompiledView } from '../../src/core/feature-view.js';
import { lastTileEndBefore, retainedRow } from '../../src/core/historical/retained-row.js';
import { compiledView } from '../helpers/compiled-view.js';
import { aggregateFeature } from '../helpers/oracle.js';

function stateOf(view: CompiledView, events: [number, number][]) {
  const state = newEntityState();
  applyEvents(
    view,
    state,
    events.map(([t, x]) => ({ t, values: { x } })),
  );
  return state;
}

const ewma = (events: [number, number][]) =>
  aggregateFeature(
    { agg: 'ewma', halfLifeMs: 1000 },
    events.map(([t, v]) => ({ t, v })),
    0,
  );

describe('the last whole tile before a row', () => {
  it('is the tile ending at T (inclusive) or before T', () => {
    const cases: [number, 'inclusive' | 'exclusive', number][] = [
      [999, 'inclusive', 999],
      [999, 'exclusive', -1],
      [1000, 'inclusive', 999],
      [1000, 'exclusive', 999],
      [1500, 'inclusive', 999],
      [1999, 'inclusive', 1999],
      [1999, 'exclusive', 999],
      [-1, 'inclusive', -1],
      [-1, 'exclusive', -1001],
    ];
    for (const [T, boundary, end] of cases)
      assert.equal(lastTileEndBefore(T, 1000, boundary), end, `${T} ${boundary}`);
  });
});

describe('rows from a state with time windows', () => {
  // 1 s tiles; a 3 s window and 3 s lateness keep 6 tiles behind the watermark's: tiles 16..21 here.
  const view = compiledView({
    granularityMs: 1000,
    features: [
      { name: 'n_3s', agg: 'count', windowMs: 3000 },
      { name: 'last_x', agg: 'last', field: 'x' },
      { name: 'since_x', agg: 'time_since_last', field: 'x' },
      { name: 'ewma_x', agg: 'ewma', field: 'x', halfLifeMs: 1000 },
      { name: 'n_2', agg: 'count', events: 2 },
    ],
  });
  const events: [number, number][] = [
    [500, 1],
    [1500, 2],
    [2500, 3],
    [20_500, 4],
    [21_200, 5],
  ];
  const state = stateOf(view, events);
  const row = (T: number, boundary: 'inclusive' | 'exclusive' = 'inclusive') =>
    retainedRow(view, state, T, boundary, view.features);

  it('at the last ms of a tile: every event up to T', () => {
    const { status, values } = row(21_999);
    assert.equal(status, 'PRESENT');
    assert.equal(values.n_3s, 2);
    assert.equal(values.last_x, 5);
    assert.equal(values.since_x, 799);
    assert.equal(values.n_2, 2);
    assert.ok(Math.abs(values.ewma_x! - ewma(events)!) < 1e-9);
  });

  it('inside a tile: tile features leave the tile out, count windows keep its events up to T', () => {
    const { status, values } = row(21_500);
    assert.equal(status, 'PRESENT');
    assert.equal(values.n_3s, 1);
    assert.equal(values.last_x, 4);
    assert.equal(values.since_x, 20_999 - 20_500);
    assert.equal(values.n_2, 2);
    assert.ok(Math.abs(values.ewma_x! - ewma(events.slice(0, 4))!) < 1e-9);
  });

  it('exclusive: a count window with fewer kept events than N before T is out of retention', () => {
    // Before 21,200 the list (cap 2) keeps only the event at 20,500; the one at 2,500 was dropped.
    assert.deepEqual(row(21_200, 'exclusive'), {
      status: 'OUT_OF_RETENTION',
      values: { n_3s: null, last_x: null, since_x: null, ewma_x: null, n_2: null },
    });
    const onlyTiles = view.features.filter((f) => f.kind !== 'events');
    const r = retainedRow(view, state, 21_200, 'exclusive', onlyTiles);
    assert.equal(r.status, 'PRESENT');
    assert.equal(r.values.n_3s, 1);
  });

  it('a time window reaching the dropped tiles is out of retention', () => {
    // T = 18,000: tiles 15..17, and tile 15 is at the floor (21 − 6); the state dropped tiles 0..2.
    assert.equal(row(18_000).status, 'OUT_OF_RETENTION');
    // One tile later the window is 16..18: held whole (empty).
    const later = retainedRow(view, state, 19_000, 'inclusive', [view.features[0]!]);
    assert.deepEqual(later, { status: 'PRESENT', values: { n_3s: 0 } });
  });

  it('an unknown entity is NOT_FOUND with the unknown entity values', () => {
    assert.deepEqual(retainedRow(view, null, 21_999, 'inclusive', view.features), {
      status: 'NOT_FOUND',
      values: { n_3s: 0, last_x: null, since_x: null, ewma_x: null, n_2: 0 },
    });
  });
});

describe('rows from a state without time windows (lifetime bases only)', () => {
  const view = compiledView({
    granularityMs: 1000,
    features: [
      { name: 'last_x', agg: 'last', field: 'x' },
      { name: 'ewma_x', agg: 'ewma', field: 'x', halfLifeMs: 1000 },
      { name: 'n_3', agg: 'count', field: 'x', events: 3 },
    ],
  });
  const events: [number, number][] = [
    [1000, 1],
    [5000, 2],
    [9000, 3],
  ];
  const state = stateOf(view, events);
  const [last, ew, n3] = view.features as [
    (typeof view.features)[0],
    (typeof view.features)[0],
    (typeof view.features)[0],
  ];

  it('are exact from the watermark tile on', () => {
    const { status, values } = retainedRow(view, state, 9999, 'inclusive', view.features);
    assert.equal(status, 'PRESENT');
    assert.equal(values.last_x, 3);
    assert.equal(values.n_3, 3);
    assert.ok(Math.abs(values.ewma_x! - ewma(events)!) < 1e-9);
  });

  it('are out of retention where the base holds a later event than the row', () => {
    // T = 9,500: the tile of 9,000 is not whole, and the value before it (2) is gone.
    assert.equal(retainedRow(view, state, 9500, 'inclusive', [last]).status, 'OUT_OF_RETENTION');
    assert.equal(retainedRow(view, state, 5999, 'inclusive', [ew]).status, 'OUT_OF_RETENTION');
    // A full list with fewer than N events up to T counts as having dropped some (here none were).
    assert.equal(retainedRow(view, state, 5500, 'inclusive', [n3]).status, 'OUT_OF_RETENTION');
    assert.deepEqual(retainedRow(view, state, 9000, 'inclusive', [n3]), {
      status: 'PRESENT',
      values: { n_3: 3 },
    });
  });
});
