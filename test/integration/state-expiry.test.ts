/**
 * An entity whose state expired (view `ttl`) and was written again is a new state: neither the API's read cache
 * nor the worker's write cache may take it for the state that expired.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEddy, type TestEddy } from '../helpers/eddy.js';

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy();
  const view = {
    name: 'short_lived',
    entityKey: 'id',
    eventTime: { field: 'ts' },
    source: { type: 'push' },
    granularity: '1s',
    ttl: '2s',
    features: [{ name: 'v_last', agg: 'last', field: 'v' }],
  };
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: view });
  assert.equal(res.statusCode, 201, res.body);
});
after(() => eddy.close());

const push = async (record: Record<string, unknown>) => {
  const res = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/short_lived/records?wait=true',
    payload: { records: [record] },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().applied.accepted, 1, res.body);
};

const read = async () => {
  const res = await eddy.app.inject({ url: '/v1/feature-views/short_lived/entities/e1?asOf=latest' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

test('a read after the state expired and was written again shows the new state', async () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  await push({ id: 'e1', ts: t0, v: 1 });
  const first = await read();
  assert.equal(first.values.v_last, 1);
  assert.equal(first.eventTime, new Date(t0).toISOString());

  // Past the 2 s ttl the state and its version key are gone; no read in between, so the read cache still holds
  // the state that expired.
  await sleep(3000);

  await push({ id: 'e1', ts: t0 + 5000, v: 2 });
  const second = await read();
  assert.equal(second.values.v_last, 2);
  assert.equal(second.eventTime, new Date(t0 + 5000).toISOString());
});
