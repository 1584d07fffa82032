/**
 * One online read's work is bounded: entities × retained count-window events per entity <= 1,000,000
 * (services/read-cost.ts). The wide read of the issue (100 features with events: 1000, 200 entities) is
 * refused before any state is loaded with 413 READ_TOO_LARGE; a read within the bound answers normally.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';

const FEATURES = 100;
const N = 1000;
const ENTITIES = 200;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const VIEW = 'wide';
/** The bound stated by the API contract, not read from the code under test. */
const MAX_RETAINED_EVENTS = 1_000_000;

let eddy: TestEddy;
const entities = Array.from({ length: ENTITIES }, (_, i) => `e${i}`);

before(async () => {
  eddy = await startEddy();
  const features = Array.from({ length: FEATURES }, (_, i) => ({
    name: `avg_${i}`,
    agg: 'avg',
    field: `x${i}`,
    events: N,
  }));
  const created = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: { name: VIEW, entityKey: 'id', eventTime: { field: 'ts' }, source: { type: 'push' }, features },
  });
  assert.equal(created.statusCode, 201, created.body);
  // Three records per entity, every field i = entity number + record number * 10 (mean: entity number + 10).
  const records = entities.flatMap((id, e) =>
    [0, 1, 2].map((r) => {
      const record: Record<string, unknown> = { id, ts: T0 + r * 1000 };
      for (let i = 0; i < FEATURES; i++) record[`x${i}`] = e + r * 10;
      return record;
    }),
  );
  const pushed = await eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${VIEW}/records?wait=true`,
    payload: { records },
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  assert.equal(pushed.json().applied.accepted, records.length);
});
after(() => eddy.close());

const read = (ids: readonly string[]) =>
  eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: VIEW, entities: ids, asOf: 'latest' },
  });

describe('read cost bound', () => {
  test('the wide read is refused with 413 READ_TOO_LARGE while /healthz keeps answering', async () => {
    const [wide, health] = await Promise.all([read(entities), eddy.app.inject({ url: '/healthz' })]);
    assert.equal(health.statusCode, 200, health.body);
    assert.equal(wide.statusCode, 413, wide.body);
    assert.match(String(wide.headers['content-type']), /^application\/problem\+json/);
    const problem = wide.json();
    assert.equal(problem.code, 'READ_TOO_LARGE');
    assert.equal(problem.field, '/entities');
    assert.equal(problem.retainedEvents, ENTITIES * FEATURES * N);
    assert.equal(problem.maxRetainedEvents, MAX_RETAINED_EVENTS);
    assert.equal(problem.maxEntities, MAX_RETAINED_EVENTS / (FEATURES * N));
  });

  test('a read at the bound answers every entity and feature', async () => {
    const ids = entities.slice(0, MAX_RETAINED_EVENTS / (FEATURES * N));
    const res = await read(ids);
    assert.equal(res.statusCode, 200, res.body);
    const results = res.json().results;
    assert.equal(results.length, ids.length);
    results.forEach((r: { entity: string; values: Record<string, number> }, e: number) => {
      assert.equal(r.entity, `e${e}`);
      assert.equal(Object.keys(r.values).length, FEATURES);
      for (let i = 0; i < FEATURES; i++) assert.equal(r.values[`avg_${i}`], e + 10);
    });
  });
});
