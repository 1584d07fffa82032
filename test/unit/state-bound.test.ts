/**
 * An entity's state is bounded by its view's definition alone: 50,000 accepted events at distinct event times
 * (all within allowedLateness) leave no more than the definition needs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEntity } from '../../src/adapters/redis/state-codec.js';
import { compileView } from '../../src/core/compile-view.js';
import { applyEvents, evaluate, newEntityState } from '../../src/core/engine.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureViewSpec } from '../../src/core/feature-view.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { tileStride } from '../../src/core/tiles.js';

const EVENTS = 50_000;
const BATCH = 500;
const N = 50;

/** Applies EVENTS events one second apart (x = i) in batches; returns the state and its largest encoding. */
function applyDistinctTimes(spec: FeatureViewSpec) {
  const view = compileView(resolveView(spec, 1, new Date(0)));
  const state = newEntityState();
  let largestBytes = 0;
  for (let from = 0; from < EVENTS; from += BATCH) {
    const batch: EngineEvent[] = [];
    for (let i = from; i < from + BATCH; i++) batch.push({ t: i * 1000, values: { x: i } });
    assert.equal(applyEvents(view, state, batch).accepted, BATCH);
    largestBytes = Math.max(largestBytes, encodeEntity({ state, marks: {}, pending: {} }).length);
  }
  const tiles = state.tiles.length / tileStride(view.fields.length);
  return { view, state, tiles, largestBytes };
}

describe('state bounded by the view definition', () => {
  it('without time windows: no tiles, N count-window entries, one lifetime last', () => {
    const { view, state, tiles, largestBytes } = applyDistinctTimes({
      name: 'v',
      entityKey: 'id',
      source: { type: 'push' },
      allowedLateness: '30d',
      features: [
        { name: 'latest', agg: 'last', field: 'x' },
        { name: 'avg_n', agg: 'avg', field: 'x', events: N },
      ],
    });
    assert.equal(tiles, 0);
    assert.equal(state.countWindows[0]!.length, N * 3);
    // N entries of three doubles plus a small header: far below the 1.6 MB the unbounded tiles took.
    assert.ok(largestBytes < 4_096, `encoded state ${largestBytes} bytes`);
    const last = EVENTS - 1;
    const meanOfNewest = last - (N - 1) / 2;
    assert.deepEqual(evaluate(view, state, last * 1000), { latest: last, avg_n: meanOfNewest });
  });

  it('with a time window and a count window: tiles bounded by window + lateness, N entries', () => {
    const { state, tiles } = applyDistinctTimes({
      name: 'v',
      entityKey: 'id',
      source: { type: 'push' },
      granularity: '1m',
      allowedLateness: '1h',
      features: [
        { name: 'sum_1h', agg: 'sum', field: 'x', window: '1h' },
        { name: 'avg_n', agg: 'avg', field: 'x', events: N },
      ],
    });
    // Tiles with index > tile(watermark) - 120, plus the watermark's own.
    assert.ok(tiles <= 121, `${tiles} tiles`);
    assert.equal(state.countWindows[0]!.length, N * 3);
  });

  it('with sketches, EW moments and time_since_last: sketch tiles pruned with the tiles, one EW base', () => {
    const { state, largestBytes } = applyDistinctTimes({
      name: 'v',
      entityKey: 'id',
      source: { type: 'push' },
      granularity: '1m',
      allowedLateness: '1h',
      features: [
        { name: 'p95_1h', agg: 'approx_percentile', field: 'x', window: '1h', p: 0.95 },
        { name: 'distinct_1h', agg: 'approx_count_distinct', field: 'x', window: '1h' },
        { name: 'ewma', agg: 'ewma', field: 'x', halfLife: '10m' },
        { name: 'z_1h', agg: 'zscore', field: 'x', window: '1h' },
        { name: 'silent', agg: 'time_since_last' },
      ],
    });
    assert.ok(state.sketches.length <= 121, `${state.sketches.length} sketch tiles`);
    assert.equal(state.ewBase.length, 1);
    // 121 tiles of 60 distinct values each: two sketches of ~60 entries, far below what 50,000 events would take.
    assert.ok(largestBytes < 200_000, `encoded state ${largestBytes} bytes`);
  });
});
