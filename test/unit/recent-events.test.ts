/**
 * recentEvents against the brute-force oracle: the retained events of a field are the top-N accepted events
 * carrying it by (event time, arrival), N the largest count window over the field; a read as of T returns the
 * `limit` most recent of those with t <= T, oldest first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyEvents, evaluate, newEntityState } from '../../src/core/engine.js';
import { recentEvents, retainedEvents } from '../../src/core/recent-events.js';
import { compiledView } from '../helpers/compiled-view.js';
import { batchesOf, scenarioArb } from '../helpers/gen-events.js';
import { Oracle } from '../helpers/oracle.js';

describe('recentEvents', () => {
  it('returns the most recent retained events, oldest first, as a count window sees them', () => {
    const view = compiledView({
      granularityMs: 1000,
      features: [
        { name: 'x_avg_3', agg: 'avg', field: 'x', events: 3 },
        { name: 'x_max_5', agg: 'max', field: 'x', events: 5 },
        { name: 'y_avg_10s', agg: 'avg', field: 'y', windowMs: 10_000 },
      ],
    });
    const state = newEntityState();
    applyEvents(view, state, [
      { t: 1000, values: { x: 1 } },
      { t: 3000, values: { x: 3, y: 1 } },
      { t: 2000, values: { x: 2 } }, // out of order: sorts by event time
      { t: 3000, values: { x: 4 } }, // same time, later arrival: more recent
      { t: 4000, values: { y: 2 } }, // no x: not an x event
      { t: 5000, values: { x: 5 } },
      { t: 6000, values: { x: 6 } },
    ]);
    assert.equal(retainedEvents(view, 'x'), 5);
    assert.equal(retainedEvents(view, 'y'), 0);
    assert.equal(retainedEvents(view, 'nope'), 0);
    const at = (t: number, value: number) => ({ t, value });
    // Six x events, five retained (the oldest, t=1000, dropped).
    assert.deepEqual(recentEvents(view, state, 'x', 100, 10_000), [
      at(2000, 2),
      at(3000, 3),
      at(3000, 4),
      at(5000, 5),
      at(6000, 6),
    ]);
    assert.deepEqual(recentEvents(view, state, 'x', 2, 10_000), [at(5000, 5), at(6000, 6)]);
    assert.deepEqual(recentEvents(view, state, 'x', 3, 3000), [at(2000, 2), at(3000, 3), at(3000, 4)]);
    assert.deepEqual(recentEvents(view, state, 'x', 3, 999), []);
    assert.deepEqual(recentEvents(view, state, 'x', 0, 10_000), []);
    assert.deepEqual(recentEvents(view, state, 'y', 10, 10_000), []);
    // The events a 3-event window reads are the 3 most recent.
    const avg3 = evaluate(view, state, 10_000).x_avg_3;
    const last3 = recentEvents(view, state, 'x', 3, 10_000).map((e) => e.value);
    assert.equal(avg3, last3.reduce((a, b) => a + b, 0) / 3);
  });

  it('agrees with the oracle on generated views and streams', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 25 }), (s, limit) => {
        const { view } = s;
        const state = newEntityState();
        const oracle = new Oracle(view);
        for (const batch of batchesOf(s.events, s.cuts)) {
          applyEvents(view, state, batch);
          oracle.apply(batch);
        }
        const wm = oracle.watermarkMs ?? 0;
        for (const field of new Set(view.features.map((f) => f.field).filter((f) => f !== undefined))) {
          const cap = Math.max(
            0,
            ...view.features.filter((f) => f.kind === 'events' && f.field === field).map((f) => f.events!),
          );
          assert.equal(retainedEvents(view, field), cap);
          for (const asOf of [wm, wm - view.granularityMs, wm - view.allowedLatenessMs, wm + 1]) {
            const want = oracle.events
              .filter((e) => Number.isFinite(e.values[field]))
              .sort((a, b) => b.t - a.t || b.arrival - a.arrival)
              .slice(0, cap)
              .filter((e) => e.t <= asOf)
              .slice(0, limit)
              .reverse()
              .map((e) => ({ t: e.t, value: e.values[field]! }));
            assert.deepEqual(recentEvents(view, state, field, limit, asOf), want);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
