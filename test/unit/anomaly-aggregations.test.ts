/**
 * The anomaly-detection aggregations beyond the engine-vs-oracle property (engine.property.test.ts): registration
 * checks, string values for approx_count_distinct, the sketches' bounds at cardinalities and spreads the property
 * does not reach, exponentially weighted moments over many half-lives, and the stored encoding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { decodeEntity, encodeEntity } from '../../src/adapters/redis/state-codec.js';
import { compileView } from '../../src/core/compile-view.js';
import { decodeRecord } from '../../src/core/decode-record.js';
import {
  addToDistinctSketch,
  distinctCountOf,
  mergeDistinctSketch,
  SPARSE_LIMIT,
} from '../../src/core/distinct-sketch.js';
import { applyEvents, evaluate, newEntityState } from '../../src/core/engine.js';
import { EddyError } from '../../src/core/errors.js';
import type { FeatureSpec, FeatureViewSpec } from '../../src/core/feature-view.js';
import {
  addToQuantileSketch,
  foldQuantileSketch,
  newQuantileReader,
  quantileOf,
  quantileOfReader,
  RELATIVE_ACCURACY,
} from '../../src/core/quantile-sketch.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { compiledView } from '../helpers/compiled-view.js';
import { aggregateFeature, agreesFeature } from '../helpers/oracle.js';

const spec = (features: FeatureSpec[]): FeatureViewSpec => ({
  name: 'v',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  features,
});

function rejects(features: FeatureSpec[], field: string, message: RegExp): void {
  assert.throws(
    () => resolveView(spec(features), 1, new Date()),
    (e: unknown) => e instanceof EddyError && e.field === field && message.test(e.message),
  );
}

describe('registration', () => {
  test('halfLife: required by ewma, ewvar, ewstd, a duration, refused elsewhere', () => {
    for (const agg of ['ewma', 'ewvar', 'ewstd'] as const) {
      rejects([{ name: 'e', agg, field: 'x', window: '5m' }], '/features/0/halfLife', /needs a halfLife/);
      rejects(
        [{ name: 'e', agg, field: 'x', window: '5m', halfLife: 'soon' }],
        '/features/0/halfLife',
        /not a duration/,
      );
    }
    rejects(
      [{ name: 'a', agg: 'avg', field: 'x', window: '5m', halfLife: '1m' }],
      '/features/0/halfLife',
      /only ewma, ewvar, ewstd take a halfLife/,
    );
  });

  test('p: required by approx_percentile, strictly between 0 and 1, refused elsewhere', () => {
    for (const p of [undefined, 0, 1, -0.5, 1.5, Number.NaN, '0.5' as unknown as number]) {
      rejects(
        [
          {
            name: 'q',
            agg: 'approx_percentile',
            field: 'x',
            window: '5m',
            ...(p === undefined ? {} : { p }),
          },
        ],
        '/features/0/p',
        /strictly between 0 and 1/,
      );
    }
    rejects(
      [{ name: 'a', agg: 'max', field: 'x', window: '5m', p: 0.5 }],
      '/features/0/p',
      /only 'approx_percentile'/,
    );
  });

  test('window kinds: lifetime only for last, ew and time_since_last; field optional only for count and time_since_last', () => {
    for (const agg of ['first', 'range', 'delta', 'rate', 'zscore', 'approx_count_distinct'] as const)
      rejects([{ name: 'f', agg, field: 'x' }], '/features/0/window', /needs a window or events/);
    rejects(
      [{ name: 'f', agg: 'approx_percentile', field: 'x', p: 0.9 }],
      '/features/0/window',
      /needs a window or events/,
    );
    for (const agg of ['first', 'zscore', 'approx_count_distinct'] as const)
      rejects([{ name: 'f', agg, window: '5m' }], '/features/0/field', /needs a field/);
    const view = resolveView(
      spec([
        { name: 'e', agg: 'ewma', field: 'x', halfLife: '30s' },
        { name: 'silent', agg: 'time_since_last' },
        { name: 'silent_x', agg: 'time_since_last', field: 'x', window: '1m' },
        { name: 'q', agg: 'approx_percentile', field: 'x', events: 50, p: 0.95 },
      ]),
      1,
      new Date(),
    );
    assert.deepEqual(view.features, [
      { name: 'e', agg: 'ewma', field: 'x', halfLife: '30s' },
      { name: 'silent', agg: 'time_since_last' },
      { name: 'silent_x', agg: 'time_since_last', field: 'x', window: '1m' },
      { name: 'q', agg: 'approx_percentile', field: 'x', events: 50, p: 0.95 },
    ]);
    const compiled = compileView(view);
    assert.equal(compiled.features[0]!.halfLifeMs, 30_000);
    assert.equal(compiled.features[3]!.p, 0.95);
  });
});

describe('strings in approx_count_distinct fields', () => {
  const view = compileView(
    resolveView(
      spec([
        { name: 'sites', agg: 'approx_count_distinct', field: 'site', window: '5m' },
        { name: 'codes', agg: 'approx_count_distinct', field: 'code', window: '5m' },
        { name: 'code_max', agg: 'max', field: 'code', window: '5m' },
      ]),
      1,
      new Date(),
    ),
  );

  test('a string is valid only in a field read by approx_count_distinct alone', () => {
    assert.deepEqual(view.stringFields, ['site']);
    const ok = decodeRecord(view, { id: 'a', ts: 1, site: 'north', code: 3 }, 0);
    assert.ok(ok.ok);
    const bad = decodeRecord(view, { id: 'a', ts: 1, site: 'north', code: 'E7' }, 0);
    assert.ok(!bad.ok);
    assert.equal(bad.code, 'FIELD_NOT_A_NUMBER');
    const none = compileView(resolveView(spec([{ name: 'n', agg: 'count', window: '1m' }]), 1, new Date()));
    assert.equal(none.stringFields, undefined);
  });

  test('strings and numbers are distinct values, equal strings one value', () => {
    const records = ['north', 'south', 'north', 5, '5', 5, 'nörth', '', 'south'];
    const state = newEntityState();
    const events = records.map((site, i) => {
      const d = decodeRecord(view, { id: 'a', ts: 1000 + i, site }, 0);
      assert.ok(d.ok);
      return d.event;
    });
    applyEvents(view, state, events);
    // north, south, 5, '5', nörth, '' — six distinct values.
    assert.equal(evaluate(view, state, 2000).sites, 6);
  });
});

describe('sketch bounds', () => {
  test('approx_count_distinct stays within 2% up to a million values, merged across 100 tiles', () => {
    for (const n of [150, SPARSE_LIMIT + 1, 20_000, 250_000, 1_000_000]) {
      const tiles = Array.from({ length: 100 }, () => [] as number[]);
      for (let i = 0; i < n; i++) {
        // Each value in one or two tiles: the merge must count it once.
        addToDistinctSketch(tiles[i % 100]!, i + 0.5);
        if (i % 7 === 0) addToDistinctSketch(tiles[(i * 13) % 100]!, i + 0.5);
      }
      const merged: number[] = [];
      for (const t of tiles) mergeDistinctSketch(merged, t);
      const estimate = distinctCountOf(merged);
      assert.ok(Math.abs(estimate - n) <= 0.02 * n, `n ${n}: estimate ${estimate}`);
    }
  });

  test('approx_percentile is within 1% at rank p·(n − 1) across signs, zeros and 60 decades', () => {
    const random = seededRandom(11);
    const values: number[] = [];
    const tiles = Array.from({ length: 40 }, () => [] as number[]);
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** (random() * 60 - 30);
      const x = i % 50 === 0 ? 0 : random() < 0.4 ? -magnitude : magnitude;
      values.push(x);
      addToQuantileSketch(tiles[i % 40]!, x);
    }
    const merged = newQuantileReader();
    for (const t of tiles) foldQuantileSketch(merged, t);
    const events = values.map((v, i) => ({ t: i, v }));
    for (const p of [0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999]) {
      const got = quantileOfReader(merged, p);
      const want = aggregateFeature({ agg: 'approx_percentile', p }, events, 0);
      assert.ok(
        agreesFeature({ agg: 'approx_percentile', p }, got, want, events),
        `p ${p}: ${got} vs ${want}`,
      );
    }
  });
});

describe('exponentially weighted moments', () => {
  test('events spanning 100,000 half-lives, out of order: finite and as the definition, in tiles and lifetime', () => {
    const features = [
      { name: 'ewma', agg: 'ewma' as const, field: 'x', windowMs: 1_000_000, halfLifeMs: 10 },
      { name: 'ewvar', agg: 'ewvar' as const, field: 'x', windowMs: 1_000_000, halfLifeMs: 10 },
      { name: 'life', agg: 'ewstd' as const, field: 'x', halfLifeMs: 10 },
    ];
    const view = compiledView({ granularityMs: 1000, features });
    const random = seededRandom(3);
    const events = Array.from({ length: 400 }, (_, i) => ({
      t: Math.floor(random() * 1_000_000),
      values: { x: 1e9 + Math.floor(random() * 1000) / 7 + i },
    }));
    const state = newEntityState();
    applyEvents(view, state, events);
    const asOf = Math.max(...events.map((e) => e.t));
    const got = evaluate(view, state, asOf);
    const window = events
      .map((e, arrival) => ({ t: e.t, v: e.values.x, arrival }))
      .sort((a, b) => a.t - b.t || a.arrival - b.arrival);
    for (const f of features) {
      const want = aggregateFeature(f, window, asOf);
      assert.ok(Number.isFinite(got[f.name]), `${f.name}: ${got[f.name]}`);
      assert.ok(agreesFeature(f, got[f.name]!, want, window), `${f.name}: ${got[f.name]} vs ${want}`);
    }
  });
});

describe('stored encoding', () => {
  const unpack = (bytes: Buffer) =>
    new Packr({ useRecords: false, mapsAsObjects: true }).unpack(bytes) as { s: Record<string, unknown> };

  test('sketches and lifetime ew bases round-trip; views without them store no such keys', () => {
    const view = compiledView({
      granularityMs: 10,
      allowedLatenessMs: 20,
      features: [
        { name: 'q', agg: 'approx_percentile', field: 'x', windowMs: 50, p: 0.9 },
        { name: 'd', agg: 'approx_count_distinct', field: 'x', windowMs: 50 },
        { name: 'e', agg: 'ewma', field: 'x', halfLifeMs: 25 },
      ],
    });
    const state = newEntityState();
    applyEvents(
      view,
      state,
      Array.from({ length: 60 }, (_, i) => ({ t: i * 3, values: { x: (i * 17) % 13 } })),
    );
    const bytes = encodeEntity({ state, marks: {}, pending: {} });
    assert.ok(Array.isArray(unpack(bytes).s.k) && Array.isArray(unpack(bytes).s.e));
    const back = decodeEntity(bytes).state;
    assert.deepEqual(back.sketches, state.sketches);
    assert.deepEqual(back.ewBase, state.ewBase);
    for (const asOf of [150, 177, 200])
      assert.deepEqual(evaluate(view, back, asOf), evaluate(view, state, asOf));

    const plain = compiledView({
      granularityMs: 10,
      features: [{ name: 'a', agg: 'avg', field: 'x', windowMs: 50 }],
    });
    const other = newEntityState();
    applyEvents(plain, other, [{ t: 1, values: { x: 1 } }]);
    const form = unpack(encodeEntity({ state: other, marks: {}, pending: {} })).s;
    assert.deepEqual(Object.keys(form).sort(), ['a', 'b', 'c', 'd', 'dm', 't', 'w']);
  });

  test('bytes per tile: ten readings cost tens of bytes in each sketch', () => {
    const packr = new Packr({ useRecords: false });
    const quantile: number[] = [];
    const distinct: number[] = [];
    for (let i = 0; i < 10; i++) {
      addToQuantileSketch(quantile, 20 + i * 0.13);
      addToDistinctSketch(distinct, 20 + i * 0.13);
    }
    const q = packr.pack(quantile).length;
    const d = packr.pack(distinct).length;
    assert.ok(q <= 60, `quantile sketch ${q} B`);
    assert.ok(d <= 60, `distinct sketch ${d} B`);
  });

  test('a percentile tile is dense for close readings, sparse for scattered ones, and ~1 byte per bin dense', () => {
    const packr = new Packr({ useRecords: false });
    const close: number[] = [];
    for (let i = 0; i < 100; i++) addToQuantileSketch(close, 20 + (i % 10) * 0.1); // 20.0 … 20.9: ~3 bins
    assert.ok(close[1]! > 0, `dense positive store: ${JSON.stringify(close)}`);
    assert.ok(packr.pack(close).length <= 12, `${packr.pack(close).length} B`);
    const scattered: number[] = [];
    for (const x of [1, 1_000, 1e6, -2, -2e9]) addToQuantileSketch(scattered, x);
    assert.ok(scattered[1]! < 0, `sparse positive store: ${JSON.stringify(scattered)}`);
    const negativeAt = 2 + 2 * -scattered[1]!;
    assert.equal(scattered[negativeAt], -2, 'a sparse negative store of two bins');
  });

  test('folding tile sketches answers exactly what the library answers for all the values in one sketch', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 19, max: 23, noNaN: true }),
            fc.double({ min: -1e12, max: 1e12, noNaN: true }),
            fc.constantFrom(0, 1e-320, -5, 5),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 12 }),
        (values, tileCount) => {
          const tiles = Array.from({ length: tileCount }, () => [] as number[]);
          const library = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
          values.forEach((x, i) => {
            addToQuantileSketch(tiles[i % tileCount]!, x);
            library.accept(x);
          });
          const reader = newQuantileReader();
          for (const t of tiles) foldQuantileSketch(reader, t);
          for (const p of [0, 0.05, 0.5, 0.95, 1]) {
            assert.equal(quantileOfReader(reader, p), library.getValueAtQuantile(p), `p ${p}`);
          }
          if (tileCount === 1) assert.equal(quantileOf(tiles[0]!, 0.5), library.getValueAtQuantile(0.5));
        },
      ),
      { numRuns: 300 },
    );
  });
});
