/**
 * The stored encoding of entity state: the tiles (one typed array in memory) travel as the numbers of the view
 * only, not the room around it, and come back as one typed array; states written by earlier versions (tiles as a
 * plain array of numbers, or as an array per tile) still read, with the same features.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packr } from 'msgpackr';
import { decodeEntity, encodeEntity } from '../../src/adapters/redis/state-codec.js';
import { applyEvents, type EntityState, evaluate, newEntityState } from '../../src/core/engine.js';
import { tileStride } from '../../src/core/tiles.js';
import { compiledView } from '../helpers/compiled-view.js';

const view = compiledView({
  granularityMs: 10,
  allowedLatenessMs: 30,
  features: [
    { name: 'avg', agg: 'avg', field: 'x', windowMs: 50 },
    { name: 'std', agg: 'stddev', field: 'x', windowMs: 50 },
    { name: 'n', agg: 'count', windowMs: 20 },
    { name: 'last', agg: 'last', field: 'x' },
  ],
});
const stride = tileStride(view.fields.length);
const events = Array.from({ length: 40 }, (_, i) => ({
  t: i * 7 - (i % 3) * 9,
  values: { x: (i * 37) % 11 },
}));

test('tiles are written as the numbers of the view only, and read back equal', () => {
  const state = newEntityState();
  applyEvents(view, state, events);
  // Forty events over 273 ms of 10 ms tiles, pruned to the last 5 + 3: a view inside a larger buffer.
  assert.ok(state.tiles.buffer.byteLength > state.tiles.byteLength || state.tiles.byteOffset > 0);
  const back = decodeEntity(encodeEntity({ state, marks: {}, pending: {} })).state;
  assert.ok(back.tiles instanceof Float64Array);
  assert.deepEqual([...back.tiles], [...state.tiles]);
  assert.equal(back.tiles.length % stride, 0);
  for (const asOf of [200, 250, 265, 273, 300])
    assert.deepEqual(evaluate(view, back, asOf), evaluate(view, state, asOf));
});

test('a state stored with the tiles as a plain array of numbers reads as the same state', () => {
  const state = newEntityState();
  applyEvents(view, state, events);
  const old = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true }).pack({
    s: storedForm(state, [...state.tiles]),
    m: { 'k:s:0': '7' },
    p: {},
  });
  const back = decodeEntity(old);
  assert.ok(back.state.tiles instanceof Float64Array);
  assert.deepEqual([...back.state.tiles], [...state.tiles]);
  for (const asOf of [200, 265, 273])
    assert.deepEqual(evaluate(view, back.state, asOf), evaluate(view, state, asOf));
});

test('a state stored with one array per tile reads as the same state', () => {
  const state = newEntityState();
  applyEvents(view, state, events);
  const perTile = Array.from({ length: state.tiles.length / stride }, (_, k) => [
    ...state.tiles.subarray(k * stride, (k + 1) * stride),
  ]);
  // The encoding when tiles were an array each: nested arrays.
  const old = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true }).pack({
    s: storedForm(state, perTile),
    m: { 'k:s:0': '42' },
    p: {},
  });
  const back = decodeEntity(old);
  assert.deepEqual([...back.state.tiles], [...state.tiles]);
  assert.deepEqual(back.marks, { 'k:s:0': '42' });
  for (const asOf of [200, 265, 273])
    assert.deepEqual(evaluate(view, back.state, asOf), evaluate(view, state, asOf));
  // Applying more events to the converted state works like applying them to the original.
  const more = [{ t: 280, values: { x: 5 } }];
  applyEvents(view, back.state, more);
  applyEvents(view, state, more);
  assert.deepEqual(evaluate(view, back.state, 280), evaluate(view, state, 280));
});

/** The state as earlier versions stored it (short keys), with the tiles in the form given. */
function storedForm(state: EntityState, tiles: unknown) {
  const { watermark: w, arrivals: a, countWindows: c, lastBase: b, ids: d, oldestIdTime: dm } = state;
  return { w, a, t: tiles, c, b, d, dm };
}
