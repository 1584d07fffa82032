/**
 * fast-check arbitraries for engine tests: random views (granularity, time windows that are multiples of it,
 * count windows, lifetime `last`, every aggregation) and one entity's event stream in arrival order (out-of-order
 * and late event times, duplicate ids, re-sent records, missing fields, values up to ±1e9 or clustered far from 0,
 * and values up to the ±1e100 that records may carry).
 */
import fc from 'fast-check';
import type { EngineEvent } from '../../src/core/event.js';
import {
  AGGREGATIONS,
  type CompiledView,
  EW_AGGREGATIONS,
  FIELDLESS_AGGREGATIONS,
  LIFETIME_AGGREGATIONS,
} from '../../src/core/feature-view.js';
import { compiledView, type TestFeature } from './compiled-view.js';

const FIELDS = ['x', 'y', 'z'] as const;

/** No -0: JSON turns it into 0, which would make exact round-trip comparisons report a false difference. */
const noNegZero = (v: number): number => (v === 0 ? 0 : v);

export const valueModes = ['small', 'wide', 'clustered', 'extreme', 'mixed'] as const;
export type ValueMode = (typeof valueModes)[number];

export function valueArb(mode: ValueMode): fc.Arbitrary<number> {
  const small = fc.integer({ min: -5, max: 5 });
  const wide = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }).map(noNegZero);
  // Far from zero, tiny spread: the hard case for one-pass variance.
  // Decimal noise (0.123456 has no exact binary form) makes every addition round.
  const noise = fc.oneof(
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 1_000_000),
  );
  const clustered = fc
    .tuple(fc.constantFrom(1e9, -1e9, 123_456_789.5), noise)
    .map(([c, d]) => noNegZero(c + d));
  // Up to the bound decode-record.ts enforces (MAX_FIELD_MAGNITUDE): sums and squared deviations stay finite.
  const extreme = fc.oneof(
    fc.constantFrom(1e100, -1e100),
    fc.double({ min: -1e100, max: 1e100, noNaN: true }).map(noNegZero),
    small,
  );
  switch (mode) {
    case 'extreme':
      return extreme;
    case 'small':
      return small;
    case 'wide':
      return wide;
    case 'clustered':
      return clustered;
    case 'mixed':
      return fc.oneof(small, wide, clustered);
  }
}

const featureArb = (g: number, windowTiles: readonly number[]): fc.Arbitrary<Omit<TestFeature, 'name'>> =>
  fc
    .record({
      agg: fc.constantFrom(...AGGREGATIONS),
      field: fc.option(fc.constantFrom(...FIELDS), { nil: undefined, freq: 4 }),
      kind: fc.constantFrom('time', 'time', 'time', 'events', 'events', 'lifetime'),
      tiles: fc.constantFrom(...windowTiles),
      events: fc.integer({ min: 1, max: 20 }),
      // From far below a tile (events span thousands of half-lives) to many tiles.
      halfLifeMs: fc.constantFrom(1, g, 3 * g, 50 * g, 0.37 * g + 1),
      p: fc.constantFrom(0.05, 0.25, 0.5, 0.95, 0.99),
    })
    .map(({ agg, field, kind, tiles, events, halfLifeMs, p }) => {
      // `field` is optional only for count and time_since_last; lifetime only for some (else `last`).
      const lifetimeAgg = LIFETIME_AGGREGATIONS.includes(agg) ? agg : 'last';
      const a = kind === 'lifetime' ? lifetimeAgg : agg;
      const f = FIELDLESS_AGGREGATIONS.includes(a) ? field : (field ?? 'x');
      const base = {
        agg: a,
        ...(f === undefined ? {} : { field: f }),
        ...(EW_AGGREGATIONS.includes(a) ? { halfLifeMs } : {}),
        ...(a === 'approx_percentile' ? { p } : {}),
      };
      if (kind === 'lifetime') return base;
      if (kind === 'events') return { ...base, events };
      return { ...base, windowMs: tiles * g };
    });

export const viewArb: fc.Arbitrary<CompiledView> = fc
  .record({
    g: fc.constantFrom(1, 3, 10, 1000),
    windowTiles: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
    latenessTiles: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
    latenessExtra: fc.boolean(),
    withIds: fc.boolean(),
  })
  .chain(({ g, windowTiles, latenessTiles, latenessExtra, withIds }) =>
    fc.array(featureArb(g, windowTiles), { minLength: 1, maxLength: 10 }).map((features) =>
      compiledView({
        granularityMs: g,
        // Sometimes not a multiple of g, to exercise partial tiles at the lateness edge.
        ...(latenessTiles === undefined
          ? {}
          : { allowedLatenessMs: latenessTiles * g + (latenessExtra ? 1 : 0) }),
        ...(withIds ? { eventIdField: 'event_id' } : {}),
        features: features.map((f, i) => ({ ...f, name: `f${i}` })),
      }),
    ),
  );

/** One step of the stream: a new record, or a re-send of an earlier one (same id, time and values). */
type Step =
  | { kind: 'new'; dt: number; id: 'none' | 'unique' | number; present: boolean[]; values: number[] }
  | { kind: 'resend'; back: number };

const stepArb = (g: number, mode: ValueMode): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('new' as const),
        // A random walk with a forward bias; back-steps make out-of-order and late events, multiples of g
        // land on tile boundaries.
        dt: fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: -2 * g, max: 3 * g }) },
          { weight: 2, arbitrary: fc.integer({ min: -2, max: 3 }).map((k) => k * g) },
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: -15 * g, max: 0 }) },
          { weight: 1, arbitrary: fc.integer({ min: 5 * g, max: 20 * g }) },
        ),
        id: fc.oneof(
          fc.constant('none' as const),
          fc.constant('unique' as const),
          fc.integer({ min: 0, max: 6 }),
        ),
        present: fc.array(fc.boolean(), { minLength: FIELDS.length, maxLength: FIELDS.length }),
        values: fc.array(valueArb(mode), { minLength: FIELDS.length, maxLength: FIELDS.length }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const), back: fc.nat(8) }) },
  );

/** Builds the arrival-ordered events of one entity from steps. */
function toEvents(view: CompiledView, origin: number, steps: readonly Step[]): EngineEvent[] {
  const events: EngineEvent[] = [];
  let t = origin;
  for (const [i, s] of steps.entries()) {
    if (s.kind === 'resend') {
      const earlier = events[events.length - 1 - Math.min(s.back, events.length - 1)];
      if (earlier !== undefined) events.push({ ...earlier, values: { ...earlier.values } });
      continue;
    }
    t += s.dt;
    const values: Record<string, number> = {};
    FIELDS.forEach((f, k) => {
      if (s.present[k]) values[f] = s.values[k]!;
    });
    const e: EngineEvent = { t, values };
    if (view.eventIdField !== undefined && s.id !== 'none') e.id = s.id === 'unique' ? `u${i}` : `p${s.id}`;
    events.push(e);
  }
  return events;
}

export interface Scenario {
  view: CompiledView;
  events: EngineEvent[];
  /** Batch boundaries: events are applied in batches ending after these indices (sorted, deduplicated). */
  cuts: number[];
  /** Whether to JSON round-trip the state after each batch. */
  roundTrips: boolean[];
  /** Read times relative to watermark - allowedLateness, in ms (non-negative). */
  readOffsets: number[];
  mode: ValueMode;
}

export const scenarioArb: fc.Arbitrary<Scenario> = viewArb.chain((view) => {
  const g = view.granularityMs;
  const span = Math.max(...view.features.map((f) => f.windowMs ?? 0), g) + view.allowedLatenessMs + 3 * g;
  return fc.constantFrom(...valueModes).chain((mode) =>
    fc
      .record({
        origin: fc.constantFrom(0, -37 * g - 1, 1_700_000_000_000, 1_700_000_000_000 + Math.floor(g / 2)),
        steps: fc
          .oneof(
            { weight: 1, arbitrary: fc.nat(8) },
            { weight: 4, arbitrary: fc.integer({ min: 9, max: 80 }) },
          )
          .chain((n) => fc.array(stepArb(g, mode), { minLength: n, maxLength: n })),
        cuts: fc
          .constantFrom(0, 1, 2, 3, 4, 5, 6)
          .chain((n) => fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: n, maxLength: n })),
        roundTrips: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        readOffsets: fc.array(fc.integer({ min: 0, max: span }), { minLength: 1, maxLength: 4 }),
      })
      .map(({ origin, steps, cuts, roundTrips, readOffsets }) => ({
        view,
        events: toEvents(view, origin, steps),
        cuts: [...new Set(cuts.map((c) => c % Math.max(1, steps.length)))].sort((a, b) => a - b),
        roundTrips,
        readOffsets,
        mode,
      })),
  );
});

/** Splits events into batches after the given indices. */
export function batchesOf<T>(events: readonly T[], cuts: readonly number[]): T[][] {
  const batches: T[][] = [];
  let start = 0;
  for (const c of cuts) {
    if (c + 1 > start && c + 1 < events.length) {
      batches.push(events.slice(start, c + 1));
      start = c + 1;
    }
  }
  batches.push(events.slice(start));
  return batches;
}
