/**
 * Point-in-time features (src/core/point-in-time.ts) against the oracle (test/helpers/point-in-time-oracle.ts) on
 * generated views and streams with late, duplicate and out-of-order events; read times at, around and between
 * event times, before the first and after the last, with both boundaries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { EngineEvent } from '../../src/core/event.js';
import { acceptedEvents, type Boundary, featuresAtTimes } from '../../src/core/point-in-time.js';
import { scenarioArb } from '../helpers/gen-events.js';
import { agreesFeature } from '../helpers/oracle.js';
import { pointInTimeOracle } from '../helpers/point-in-time-oracle.js';

const RUNS = 600;

/** Every event time, one ms either side, tile edges of each, and generated offsets across the stream's span. */
function spineTimes(events: readonly EngineEvent[], g: number, offsets: readonly number[]): number[] {
  const ts = events.map((e) => e.t);
  const lo = Math.min(0, ...ts) - 3 * g;
  const hi = Math.max(0, ...ts) + 30 * g;
  const times: number[] = [];
  for (const t of ts) times.push(t, t - 1, t + 1, Math.floor(t / g) * g, (Math.floor(t / g) + 1) * g - 1);
  for (const o of offsets) times.push(lo + (o % Math.max(1, hi - lo)));
  return [...new Set(times)].sort((a, b) => a - b);
}

describe('point-in-time features', () => {
  it('equal the oracle restricted to accepted events up to each row time', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom<Boundary>('inclusive', 'exclusive'),
        fc.array(fc.nat(), { maxLength: 8 }),
        (s, boundary, offsets) => {
          const { view, events } = s;
          const times = spineTimes(events, view.granularityMs, offsets);
          const rows = featuresAtTimes(view, acceptedEvents(view, events), times, boundary);
          const oracle = pointInTimeOracle(view, events, boundary);
          times.forEach((T, i) => {
            const want = oracle(T);
            const got = rows[i]!;
            assert.equal(got.eventTime, want.eventTime, `eventTime as of ${T}`);
            for (const f of view.features) {
              const values = want.restricted.windowEvents(f, T, 'exact');
              const actual = got.values[f.name] ?? null;
              if (!agreesFeature(f, actual, want.values[f.name] ?? null, values)) {
                assert.fail(
                  `${f.name} ${JSON.stringify(f)} as of ${T} (${boundary}): got ${actual}, oracle ${want.values[f.name]}, window ${JSON.stringify(values)}`,
                );
              }
            }
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a subset of features reads the same as the full vector', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { view, events } = s;
        const accepted = acceptedEvents(view, events);
        const times = spineTimes(events, view.granularityMs, []);
        const full = featuresAtTimes(view, accepted, times, 'inclusive');
        const one = view.features[0]!;
        const part = featuresAtTimes(view, accepted, times, 'inclusive', [one]);
        for (const [i, r] of part.entries()) {
          assert.deepEqual(r.values, { [one.name]: full[i]!.values[one.name] });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('late events and duplicates are judged over the whole stream, not the rows prefix', () => {
    // lateness 10 ms: the event at t=5 arrives after t=100 moved the watermark, so it is late for every row,
    // even a row at T=50 whose own events (t <= 50) would not make it late.
    const view = {
      name: 'v',
      version: 1,
      entityKey: 'e',
      eventIdField: 'id',
      granularityMs: 10,
      allowedLatenessMs: 10,
      ttlMs: 1e9,
      features: [
        { name: 'n', agg: 'count' as const, kind: 'time' as const, windowMs: 1000, windowTiles: 100 },
      ],
      fields: [],
      retainedTiles: 101,
      eventsPerField: {},
    };
    const events: EngineEvent[] = [
      { t: 1, values: {} },
      { t: 100, values: {}, id: 'a' },
      { t: 5, values: {} },
      { t: 99, values: {}, id: 'a' },
    ];
    const rows = featuresAtTimes(view, acceptedEvents(view, events), [1, 50, 99, 100], 'inclusive');
    assert.deepEqual(
      rows.map((r) => r.values.n),
      [1, 1, 1, 2],
    );
    assert.deepEqual(
      rows.map((r) => r.eventTime),
      [1, 1, 1, 100],
    );
    const exclusive = featuresAtTimes(view, acceptedEvents(view, events), [1, 100, 101], 'exclusive');
    assert.deepEqual(
      exclusive.map((r) => [r.eventTime, r.values.n]),
      [
        [null, 0],
        [1, 1],
        [100, 2],
      ],
    );
  });
});
