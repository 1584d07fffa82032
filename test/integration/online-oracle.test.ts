/**
 * End to end against the brute-force oracle (test/helpers/oracle.ts): generated multi-entity streams with
 * out-of-order, late, duplicate and bad records are pushed over HTTP through the real BullMQ push lanes into a
 * real Redis, and every value the online API returns — every aggregation, time / count / lifetime windows,
 * `latest` and explicit asOf — equals the oracle's (within docs/semantics.md#numbers).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { compileView } from '../../src/core/compile-view.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { FeatureView } from '../../src/core/feature-view.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { agreesFeature, Oracle } from '../helpers/oracle.js';

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy({
    EDDY_PUSH_LANES: '3',
    EDDY_PUSH_WAIT_TIMEOUT_MS: '5000',
    LOG_LEVEL: process.env.TEST_LOG ?? 'silent',
  });
});
after(() => eddy.close());

const ENTITIES = ['s1', 's2', 'b:{x}*', 'ü-sensor', 'line\nbreak'];

const viewSpec = (name: string) => ({
  name,
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '2m',
  eventIdField: 'rid',
  features: [
    { name: 'n_1m', agg: 'count', window: '1m' },
    { name: 'nx_5m', agg: 'count', field: 'x', window: '5m' },
    { name: 'sum_1m', agg: 'sum', field: 'x', window: '1m' },
    { name: 'avg_5m', agg: 'avg', field: 'x', window: '5m' },
    { name: 'min_1m', agg: 'min', field: 'x', window: '1m' },
    { name: 'max_5m', agg: 'max', field: 'x', window: '5m' },
    { name: 'std_5m', agg: 'stddev', field: 'x', window: '5m' },
    { name: 'var_1m', agg: 'variance', field: 'x', window: '1m' },
    { name: 'stds_5m', agg: 'stddev_samp', field: 'x', window: '5m' },
    { name: 'vars_5m', agg: 'var_samp', field: 'x', window: '5m' },
    { name: 'last_5m', agg: 'last', field: 'x', window: '5m' },
    { name: 'last_x', agg: 'last', field: 'x' },
    { name: 'last_y', agg: 'last', field: 'y' },
    { name: 'avg_8', agg: 'avg', field: 'x', events: 8 },
    { name: 'std_8', agg: 'stddev', field: 'x', events: 8 },
    { name: 'n_5', agg: 'count', events: 5 },
    { name: 'max_3', agg: 'max', field: 'y', events: 3 },
    { name: 'last_3', agg: 'last', field: 'x', events: 3 },
    { name: 'first_5m', agg: 'first', field: 'x', window: '5m' },
    { name: 'range_1m', agg: 'range', field: 'x', window: '1m' },
    { name: 'delta_5m', agg: 'delta', field: 'x', window: '5m' },
    { name: 'delta_3', agg: 'delta', field: 'x', events: 3 },
    { name: 'rate_5m', agg: 'rate', field: 'x', window: '5m' },
    { name: 'z_5m', agg: 'zscore', field: 'x', window: '5m' },
    { name: 'z_8', agg: 'zscore', field: 'y', events: 8 },
    { name: 'ewma_5m', agg: 'ewma', field: 'x', window: '5m', halfLife: '30s' },
    { name: 'ewvar_life', agg: 'ewvar', field: 'x', halfLife: '1m' },
    { name: 'ewstd_8', agg: 'ewstd', field: 'x', events: 8, halfLife: '10s' },
    { name: 'p95_5m', agg: 'approx_percentile', field: 'x', window: '5m', p: 0.95 },
    { name: 'p50_8', agg: 'approx_percentile', field: 'y', events: 8, p: 0.5 },
    { name: 'sites_5m', agg: 'approx_count_distinct', field: 'site', window: '5m' },
    { name: 'sites_6', agg: 'approx_count_distinct', field: 'site', events: 6 },
    { name: 'xs_1m', agg: 'approx_count_distinct', field: 'x', window: '1m' },
    { name: 'silent', agg: 'time_since_last' },
    { name: 'silent_y_1m', agg: 'time_since_last', field: 'y', window: '1m' },
    { name: 'silent_4', agg: 'time_since_last', events: 4 },
  ],
});

interface Step {
  entity: number;
  dt: number;
  value: number;
  withY: boolean;
  id: 'fresh' | 'repeat' | 'none';
  bad: 'none' | 'string' | 'nokey';
  iso: boolean;
  /** A value of `site`, read only by approx_count_distinct: strings and numbers, or absent. */
  site: string | number | null;
}

const stepArb = fc.record<Step>({
  entity: fc.integer({ min: 0, max: ENTITIES.length - 1 }),
  // Mostly forward, sometimes out of order, sometimes far back (late).
  dt: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 25_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: -60_000, max: 0 }) },
    { weight: 1, arbitrary: fc.integer({ min: -400_000, max: -130_000 }) },
  ),
  value: fc.oneof(
    fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -100, max: 100 }),
    fc.double({ min: -1, max: 1, noNaN: true }).map((d) => 1e9 + d),
  ),
  withY: fc.boolean(),
  id: fc.constantFrom('fresh', 'fresh', 'repeat', 'none'),
  bad: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'string', 'nokey'),
  iso: fc.boolean(),
  site: fc.constantFrom('north', 'south', 'east', 'ü', '7', 7, 2.5, null),
});

/** The oracle's stand-in for a site string: any injective map into numbers no numeric site can equal. */
const siteStandIns = new Map<string, number>();
const siteValue = (site: string | number): number => {
  if (typeof site === 'number') return site;
  if (!siteStandIns.has(site)) siteStandIns.set(site, (siteStandIns.size + 1) * 1e200);
  return siteStandIns.get(site)!;
};

let run = 0;

test('online values equal the oracle on generated streams, for every aggregation and window kind', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArb, { minLength: 1, maxLength: 160 }),
      fc.array(fc.integer({ min: 1, max: 160 }), { maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: 8 * 60_000 }), { minLength: 1, maxLength: 3 }),
      async (steps, cuts, readOffsets) => {
        const name = `oracle_${++run}`;
        const created = await eddy.app.inject({
          method: 'POST',
          url: '/v1/feature-views',
          payload: viewSpec(name),
        });
        assert.equal(created.statusCode, 201, created.body);
        const view = compileView(created.json() as FeatureView);

        const oracles = new Map(ENTITIES.map((e) => [e, new Oracle(view)]));
        const clocks = ENTITIES.map(() => 1_767_225_600_000);
        const ids: string[][] = ENTITIES.map(() => []);
        const records: unknown[] = [];
        const expectedByEntity = new Map<string, EngineEvent[]>();
        let bad = 0;
        steps.forEach((s, i) => {
          const entity = ENTITIES[s.entity]!;
          clocks[s.entity]! += s.dt;
          const t = clocks[s.entity]!;
          let rid: string | undefined;
          if (s.id === 'fresh') rid = `r${i}`;
          if (s.id === 'repeat') rid = ids[s.entity]![i % Math.max(1, ids[s.entity]!.length)] ?? `r${i}`;
          const rec: Record<string, unknown> = {
            id: entity,
            ts: s.iso ? new Date(t).toISOString() : t,
            x: s.value,
          };
          if (s.withY) rec.y = -s.value;
          if (s.site !== null) rec.site = s.site;
          if (rid) rec.rid = rid;
          if (s.bad === 'string') rec.x = String(s.value);
          if (s.bad === 'nokey') delete rec.id;
          records.push(rec);
          if (s.bad !== 'none') {
            bad++;
            return;
          }
          if (rid) ids[s.entity]!.push(rid);
          const event: EngineEvent = {
            t,
            values: {
              x: s.value,
              ...(s.withY && { y: -s.value }),
              ...(s.site !== null && { site: siteValue(s.site) }),
            },
          };
          if (rid) event.id = rid;
          const list = expectedByEntity.get(entity) ?? [];
          list.push(event);
          expectedByEntity.set(entity, list);
        });

        // Push in several requests, in order, waiting for each to be applied.
        const bounds = [...new Set(cuts.filter((c) => c < records.length)), records.length].sort(
          (a, b) => a - b,
        );
        let start = 0;
        const applied = { accepted: 0, late: 0, duplicate: 0 };
        let rejected = 0;
        for (const end of bounds) {
          const res = await eddy.app.inject({
            method: 'POST',
            url: `/v1/feature-views/${name}/records?wait=true`,
            payload: { records: records.slice(start, end) },
          });
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json();
          rejected += body.rejected.length;
          applied.accepted += body.applied.accepted;
          applied.late += body.applied.late;
          applied.duplicate += body.applied.duplicate;
          start = end;
        }
        assert.equal(rejected, bad);

        const expectedTotals = { accepted: 0, late: 0, duplicate: 0 };
        for (const [entity, events] of expectedByEntity) {
          const o = oracles.get(entity)!.apply(events);
          expectedTotals.accepted += o.accepted;
          expectedTotals.late += o.late;
          expectedTotals.duplicate += o.duplicate;
        }
        assert.deepEqual(applied, expectedTotals);
        const status = (await eddy.app.inject({ url: `/v1/feature-views/${name}/status` })).json();
        assert.deepEqual(status.counts, { ...expectedTotals, rejected: bad, filtered: 0 });

        const watermarks = [...oracles.values()].flatMap((o) =>
          o.watermarkMs === null ? [] : [o.watermarkMs],
        );
        const maxWatermark = Math.max(...watermarks);
        const asOfs: ('latest' | number)[] = [
          'latest',
          ...(watermarks.length ? readOffsets.map((o) => maxWatermark + o) : []),
        ];
        for (const asOf of asOfs) {
          const res = await eddy.app.inject({
            method: 'POST',
            url: '/v1/online-features',
            payload: { featureView: name, entities: ENTITIES, asOf },
          });
          assert.equal(res.statusCode, 200, res.body);
          const results = res.json().results as {
            entity: string;
            status: string;
            eventTime: string | null;
            values: Record<string, number | null>;
          }[];
          assert.deepEqual(
            results.map((r) => r.entity),
            ENTITIES,
          );
          for (const r of results) {
            const oracle = oracles.get(r.entity)!;
            if (oracle.watermarkMs === null) {
              // No accepted event: every window is empty (count and sum 0, the rest null).
              assert.equal(r.status, 'NOT_FOUND');
              for (const f of view.features)
                assert.equal(r.values[f.name], oracle.value(f, 0, 'exact'), `${r.entity} ${f.name}`);
              continue;
            }
            assert.equal(r.status, 'PRESENT');
            assert.equal(r.eventTime, new Date(oracle.watermarkMs).toISOString());
            const at = asOf === 'latest' ? oracle.watermarkMs : asOf;
            for (const f of view.features) {
              const expected = oracle.value(f, at, 'exact');
              const actual = r.values[f.name] ?? null;
              const window = oracle.windowEvents(f, at, 'exact');
              assert.ok(
                agreesFeature(f, actual, expected, window),
                `${name} ${JSON.stringify(r.entity)} ${f.name} asOf ${asOf}: got ${actual}, oracle ${expected}`,
              );
            }
          }
        }
        await eddy.app.inject({ method: 'DELETE', url: `/v1/feature-views/${name}` });
      },
    ),
    { numRuns: 40 },
  );
});
