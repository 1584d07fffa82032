/**
 * The stored encoding of entity state: the tiles (one typed array in memory) travel as the numbers of the view
 * only, not the room around it, and come back as one typed array; states written by earlier versions (tiles as a
 * plain array of numbers, or as an array per tile) still read, with the same features.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packr } from 'msgpackr';
import { decodeEntity, encodeEntity } from '../../src/adapters/redis/state-codec.js';
import { applyEvents, evaluate, newEntityState } from '../../src/core/engine.js';
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
  assert.ok(state.t.buffer.byteLength > state.t.byteLength || state.t.byteOffset > 0);
  const back = decodeEntity(encodeEntity({ s: state, m: {}, p: {} })).s;
  assert.ok(back.t instanceof Float64Array);
  assert.deepEqual([...back.t], [...state.t]);
  assert.equal(back.t.length % stride, 0);
  for (const asOf of [200, 250, 265, 273, 300])
    assert.deepEqual(evaluate(view, back, asOf), evaluate(view, state, asOf));
});

test('a state stored with the tiles as a plain array of numbers reads as the same state', () => {
  const state = newEntityState();
  applyEvents(view, state, events);
  const old = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true }).pack({
    s: { ...state, t: [...state.t] },
    m: { 'k:s:0': '7' },
    p: {},
  });
  const back = decodeEntity(old);
  assert.ok(back.s.t instanceof Float64Array);
  assert.deepEqual([...back.s.t], [...state.t]);
  for (const asOf of [200, 265, 273])
    assert.deepEqual(evaluate(view, back.s, asOf), evaluate(view, state, asOf));
});

test('a state stored with one array per tile reads as the same state', () => {
  const state = newEntityState();
  applyEvents(view, state, events);
  const perTile = Array.from({ length: state.t.length / stride }, (_, k) => [
    ...state.t.subarray(k * stride, (k + 1) * stride),
  ]);
  // The encoding when tiles were an array each: nested arrays.
  const old = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true }).pack({
    s: { ...state, t: perTile },
    m: { 'k:s:0': '42' },
    p: {},
  });
  const back = decodeEntity(old);
  assert.deepEqual([...back.s.t], [...state.t]);
  assert.deepEqual(back.m, { 'k:s:0': '42' });
  for (const asOf of [200, 265, 273])
    assert.deepEqual(evaluate(view, back.s, asOf), evaluate(view, state, asOf));
  // Applying more events to the converted state works like applying them to the original.
  const more = [{ t: 280, values: { x: 5 } }];
  applyEvents(view, back.s, more);
  applyEvents(view, state, more);
  assert.deepEqual(evaluate(view, back.s, 280), evaluate(view, state, 280));
});
