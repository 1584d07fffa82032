/**
 * Records carrying `__proto__` or `constructor` keys are judged one by one, the same through push and Kinesis:
 * such keys are ignored like any key the view does not read, a record whose feature value is not a number is
 * rejected alone (with its reason), the others apply, and no prototype is polluted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produce } from '../../src/adapters/kinesis/producer.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec, waitConsumed } from '../helpers/kinesis-views.js';
import { sensorView } from '../helpers/views.js';

const suite = inProcessSuite();
const T0 = Date.parse('2026-03-01T00:00:00Z');

/** JSON texts (a JS object literal would set the prototype instead of a key). */
const RECORDS = [
  `{"sensor_id":"plain","ts":${T0},"temperature":1}`,
  `{"sensor_id":"proto","ts":${T0},"temperature":2,"__proto__":{"polluted":"yes"}}`,
  `{"sensor_id":"ctor","ts":${T0},"temperature":3,"constructor":{"prototype":{"polluted":"yes"}}}`,
  `{"__proto__":{"sensor_id":"inherited","polluted":"yes"},"sensor_id":"both","ts":${T0},"temperature":4,"constructor":1}`,
  `{"sensor_id":"bad","ts":${T0},"temperature":{"__proto__":{"polluted":"yes"}}}`,
];
const APPLIED = { plain: 1, proto: 2, ctor: 3, both: 4 };

function assertNotPolluted() {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
}

async function assertApplied(view: string) {
  const res = await suite.eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: view, entities: [...Object.keys(APPLIED), 'bad', 'inherited'], asOf: 'latest' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const byEntity = new Map(res.json().results.map((r: { entity: string }) => [r.entity, r] as const)) as Map<
    string,
    { status: string; values: Record<string, number | null> }
  >;
  for (const [entity, temperature] of Object.entries(APPLIED)) {
    const r = byEntity.get(entity)!;
    assert.equal(r.status, 'PRESENT', entity);
    assert.equal(r.values.temp_last, temperature, entity);
    assert.equal(r.values.readings_5m, 1, entity);
  }
  assert.equal(byEntity.get('bad')!.status, 'NOT_FOUND');
  assert.equal(byEntity.get('inherited')!.status, 'NOT_FOUND');
}

async function assertOneDeadLetter(view: string) {
  const dl = await suite.eddy.app.inject({ url: `/v1/feature-views/${view}/dead-letters` });
  assert.equal(dl.statusCode, 200, dl.body);
  const items = dl.json().items as { code: string; reason: string; record: Record<string, unknown> }[];
  assert.equal(items.length, 1);
  assert.equal(items[0]!.code, 'FIELD_NOT_A_NUMBER');
  assert.match(items[0]!.reason, /temperature/);
  assert.equal(items[0]!.record.sensor_id, 'bad');
}

test('push: a batch with __proto__ and constructor keys is accepted record by record', async () => {
  await createView(suite.eddy.app, sensorView());
  const res = await suite.eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/sensor_stats/records?wait=true',
    headers: { 'content-type': 'application/json' },
    payload: `{"records":[${RECORDS.join(',')}]}`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const receipt = res.json();
  assert.equal(receipt.accepted, 4);
  assert.deepEqual(
    receipt.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
    [[4, 'FIELD_NOT_A_NUMBER']],
  );
  assert.equal(receipt.applied.accepted, 4);
  assertNotPolluted();
  await assertApplied('sensor_stats');
  await assertOneDeadLetter('sensor_stats');
  assertNotPolluted();
});

test('push without wait answers 202 for such a batch', async () => {
  const res = await suite.eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/sensor_stats/records',
    headers: { 'content-type': 'application/json' },
    payload: `{"records":[${RECORDS[1]},${RECORDS[2]}]}`,
  });
  assert.equal(res.statusCode, 202, res.body);
  assert.equal(res.json().accepted, 2);
  assertNotPolluted();
});

test('Kinesis: the same records give the same outcome', async () => {
  await createStream(suite.kinesis, 'proto-keys', 1);
  await createView(suite.eddy.app, kinesisViewSpec('proto_keys', 'proto-keys'));
  const items = RECORDS.map((text, i) => ({ data: Buffer.from(text), partitionKey: `p${i}` }));
  await produce(suite.kinesis.client, 'proto-keys', items, { rate: 0 });
  const s = await waitConsumed(suite.eddy.app, 'proto_keys', RECORDS.length);
  assert.equal(s.counts.accepted, 4);
  assert.equal(s.counts.rejected, 1);
  assertNotPolluted();
  await assertApplied('proto_keys');
  await assertOneDeadLetter('proto_keys');
  assertNotPolluted();
});
