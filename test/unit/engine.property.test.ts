/**
 * The engine against the brute-force oracle (test/helpers/oracle.ts) on generated views and streams.
 * Read times are always >= watermark - allowedLateness, where docs/semantics.md makes time windows and lifetime
 * `last` exact; count windows are compared with §3 exactly as of T >= watermark and with the documented
 * retained top-N reading before it. In views without time windows lifetime `last` is exact as of T >= watermark
 * and before it reads either the exact value or null.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyEvents,
  type EntityState,
  evaluate,
  newEntityState,
  watermarkOf,
} from '../../src/core/engine.js';
import type { ApplyOutcome } from '../../src/core/event.js';
import type { CompiledView } from '../../src/core/feature-view.js';
import { batchesOf, type Scenario, scenarioArb } from '../helpers/gen-events.js';
import { aggregateFeature, agreesFeature, Oracle } from '../helpers/oracle.js';
import { storedRoundTrip as roundTrip } from '../helpers/state-round-trip.js';

/** Generated cases for the engine-vs-oracle property (each checks several batches and read times). */
const ORACLE_RUNS = 1000;
const EQUIVALENCE_RUNS = 300;

/** Read times: the watermark, the lateness floor, tile edges around them, generated offsets, and far past every window. */
function readTimes(view: CompiledView, watermark: number | null, offsets: readonly number[]): number[] {
  const g = view.granularityMs;
  const wm = watermark ?? 0;
  const floor = wm - view.allowedLatenessMs;
  const largest = Math.max(0, ...view.features.map((f) => f.windowMs ?? 0));
  const tileEnd = (Math.floor(wm / g) + 1) * g;
  const times = [
    wm,
    floor,
    tileEnd - 1,
    tileEnd,
    wm + largest + g,
    wm + largest + view.allowedLatenessMs + 5 * g,
  ];
  for (const o of offsets) times.push(floor + o);
  return [...new Set(times)];
}

function checkReads(
  view: CompiledView,
  state: EntityState,
  oracle: Oracle,
  offsets: readonly number[],
): void {
  const wm = oracle.watermarkMs;
  assert.equal(watermarkOf(state), wm);
  const names = view.features.map((f) => f.name).sort();
  const hasTimeWindow = view.features.some((f) => f.kind === 'time');
  for (const asOf of readTimes(view, wm, offsets)) {
    const got = evaluate(view, state, asOf);
    assert.deepEqual(Object.keys(got).sort(), names);
    const mode = wm === null || asOf >= wm ? 'exact' : 'retained';
    for (const f of view.features) {
      const values = oracle.windowEvents(f, asOf, mode);
      const want = aggregateFeature(f, values, asOf);
      const actual = got[f.name] ?? null;
      // Without time windows lifetime `last` keeps only the newest event: before the watermark it may read null.
      const fewer = mode === 'retained' && f.kind === 'lifetime' && !hasTimeWindow && actual === null;
      // Documented: before the watermark, time_since_last passes over T's tile when it holds events after T (so
      // it reads an older event, or null), and lifetime ew features without tiles read as of the watermark.
      const before = wm !== null && asOf < wm;
      const olderLast =
        before &&
        f.agg === 'time_since_last' &&
        f.kind !== 'events' &&
        (actual === null || (want !== null && actual >= want));
      const ewAtWatermark =
        before &&
        f.kind === 'lifetime' &&
        !hasTimeWindow &&
        f.agg.startsWith('ew') &&
        (actual === null || Number.isFinite(actual));
      if (!fewer && !olderLast && !ewAtWatermark && !agreesFeature(f, actual, want, values)) {
        assert.fail(
          `${f.name} (${JSON.stringify(f)}) as of ${asOf} (watermark ${wm}, ${mode}): engine ${actual}, oracle ${want}, window ${JSON.stringify(values)}`,
        );
      }
    }
    // A requested subset reads the same as the full vector.
    const one = view.features[(asOf % view.features.length) >>> 0] ?? view.features[0]!;
    assert.deepEqual(evaluate(view, state, asOf, [one]), { [one.name]: got[one.name] });
  }
}

/** Every number finite, no holes, no undefined: what MessagePack carries unchanged (the tiles: a Float64Array). */
function assertPlainData(value: unknown, path = 'state'): void {
  if (value === null || typeof value === 'string') return;
  if (value instanceof Float64Array) {
    for (const [i, v] of value.entries()) assert.ok(Number.isFinite(v), `${path}[${i}] is ${v}`);
    return;
  }
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${path} is ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      assert.ok(i in value, `${path}[${i}] is a hole`);
      assertPlainData(value[i], `${path}[${i}]`);
    }
    return;
  }
  assert.equal(typeof value, 'object', `${path} is ${typeof value}`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path} is not a plain object`);
  for (const [k, v] of Object.entries(value as object)) assertPlainData(v, `${path}.${k}`);
}

/**
 * The state without ids that have already expired (event time < watermark - allowedLateness): when those are
 * pruned depends on batch boundaries, and they can never be matched again.
 */
function withoutExpiredIds(view: CompiledView, state: EntityState): EntityState {
  const floor = (state.watermark ?? 0) - view.allowedLatenessMs;
  const d = Object.fromEntries(Object.entries(state.ids).filter(([, t]) => t >= floor));
  const times = Object.values(d);
  return { ...state, ids: d, oldestIdTime: times.length === 0 ? null : Math.min(...times) };
}

const sumOutcomes = (outcomes: readonly ApplyOutcome[]): ApplyOutcome =>
  outcomes.reduce((a, o) => ({
    accepted: a.accepted + o.accepted,
    late: a.late + o.late,
    duplicate: a.duplicate + o.duplicate,
  }));

describe('engine vs brute-force oracle', () => {
  it('agrees on every feature and outcome counter, batch by batch, with round trips through the stored encoding', () => {
    fc.assert(
      fc.property(scenarioArb, (sc: Scenario) => {
        const oracle = new Oracle(sc.view);
        let state = newEntityState();
        checkReads(sc.view, state, oracle, sc.readOffsets);
        batchesOf(sc.events, sc.cuts).forEach((batch, i) => {
          assert.deepEqual(applyEvents(sc.view, state, batch), oracle.apply(batch));
          assertPlainData(state);
          if (sc.roundTrips[i % sc.roundTrips.length]) state = roundTrip(state);
          checkReads(sc.view, state, oracle, sc.readOffsets);
        });
      }),
      { numRuns: ORACLE_RUNS },
    );
  });

  it('applying a stream in k batches leaves exactly the state of one batch (up to expired ids)', () => {
    fc.assert(
      fc.property(scenarioArb, (sc: Scenario) => {
        const whole = newEntityState();
        const once = applyEvents(sc.view, whole, sc.events);
        const split = newEntityState();
        const outcomes = batchesOf(sc.events, sc.cuts).map((batch) => applyEvents(sc.view, split, batch));
        assert.deepEqual(sumOutcomes(outcomes), once);
        assert.deepStrictEqual(withoutExpiredIds(sc.view, split), withoutExpiredIds(sc.view, whole));
      }),
      { numRuns: EQUIVALENCE_RUNS },
    );
  });

  it('a round trip of the state through the stored encoding mid-stream changes no result', () => {
    fc.assert(
      fc.property(scenarioArb, (sc: Scenario) => {
        const plain = newEntityState();
        let tripped = newEntityState();
        for (const batch of batchesOf(sc.events, sc.cuts)) {
          applyEvents(sc.view, plain, batch);
          tripped = roundTrip(tripped);
          applyEvents(sc.view, tripped, batch);
        }
        assert.deepStrictEqual(roundTrip(tripped), roundTrip(plain));
        for (const asOf of readTimes(sc.view, watermarkOf(plain), sc.readOffsets)) {
          assert.deepStrictEqual(evaluate(sc.view, tripped, asOf), evaluate(sc.view, plain, asOf));
        }
      }),
      { numRuns: EQUIVALENCE_RUNS },
    );
  });
});
