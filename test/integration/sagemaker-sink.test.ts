/**
 * The SageMaker sink end to end: real app and BullMQ workers on a private Redis, the real
 * @aws-sdk/client-sagemaker-featurestore-runtime client talking over HTTP to the local Feature Store emulator.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestEmulator } from '../helpers/sagemaker-emulator.js';
import {
  assertConverged,
  createSinkView,
  onlineLatest,
  push,
  sinkIdle,
  startSinkEddy,
  storedRecord,
} from '../helpers/sagemaker-sink.js';
import { sensorView } from '../helpers/views.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const withSink = (overrides: Record<string, unknown> = {}) =>
  sensorView({ sinks: { sagemaker: { featureGroupName: 'sensor-stats' } }, ...overrides });

/** Readings for `entities` sensors, `rounds` batches; temperatures vary with sensor and round. */
function readings(entities: number, round: number) {
  return Array.from({ length: entities }, (_, i) => ({
    sensor_id: `s${i}`,
    ts: T0 + round * 7_000 + i * 13,
    temperature: 20 + ((i * 7 + round * 3) % 17) + round / 10,
    reading_id: `r${round}-${i}`,
  }));
}

describe('SageMaker sink', () => {
  test('after pushes, every entity record equals the online values as of latest; calls are SigV4-signed PutRecords', async (t) => {
    const emu = await startTestEmulator(t);
    const eddy = await startSinkEddy(t, emu);
    const { name, group } = await createSinkView(eddy, emu, withSink());
    const entities = Array.from({ length: 40 }, (_, i) => `s${i}`);
    for (let round = 0; round < 5; round++) await push(eddy, name, readings(entities.length, round));
    const state = await sinkIdle(eddy, name);
    await assertConverged(eddy, emu, name, group, entities);

    assert.equal(state.deadLetters, 0);
    assert.equal(state.lastError, null);
    const calls = emu.calls();
    assert.ok(calls.length > 0);
    assert.ok(
      calls.every((c) => c.operation === 'PutRecord' && c.signed && c.featureGroup === group),
      'every call is a PutRecord to the view group, signed with SigV4 for sagemaker',
    );
    assert.equal(state.written, calls.filter((c) => c.status === 200).length);
  });

  test('GET .../sagemaker: CreateFeatureGroup input and state; 404 problem without a sink', async (t) => {
    const emu = await startTestEmulator(t);
    const eddy = await startSinkEddy(t, emu);
    const spec = withSink({
      name: 'custom_ids',
      sinks: {
        sagemaker: {
          featureGroupName: 'custom-ids',
          recordIdentifierFeatureName: 'machine',
          eventTimeFeatureName: 'as_of',
        },
      },
    });
    await createSinkView(eddy, emu, spec);
    const res = await eddy.app.inject({ url: '/v1/feature-views/custom_ids/sagemaker' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.featureView, 'custom_ids');
    assert.equal(body.version, 1);
    assert.deepEqual(body.createFeatureGroup.FeatureDefinitions.slice(0, 3), [
      { FeatureName: 'machine', FeatureType: 'String' },
      { FeatureName: 'as_of', FeatureType: 'String' },
      { FeatureName: 'temp_avg_5m', FeatureType: 'Fractional' },
    ]);
    assert.deepEqual(
      body.createFeatureGroup.FeatureDefinitions.find(
        (d: { FeatureName: string }) => d.FeatureName === 'readings_5m',
      ),
      { FeatureName: 'readings_5m', FeatureType: 'Integral' },
    );
    assert.equal(body.createFeatureGroup.RecordIdentifierFeatureName, 'machine');
    assert.equal(body.createFeatureGroup.EventTimeFeatureName, 'as_of');
    assert.deepEqual(body.createFeatureGroup.OnlineStoreConfig, { EnableOnlineStore: true });
    assert.deepEqual(body.state, {
      pending: 0,
      written: 0,
      unchanged: 0,
      failed: 0,
      deadLettered: 0,
      deadLetters: 0,
      lastError: null,
      lastWriteAt: null,
    });

    await push(eddy, 'custom_ids', [{ sensor_id: 'm-1', ts: T0, temperature: 1.25 }]);
    await sinkIdle(eddy, 'custom_ids');
    await assertConverged(eddy, emu, 'custom_ids', 'custom-ids', ['m-1'], { key: 'machine', time: 'as_of' });

    const plain = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
    assert.equal(plain.statusCode, 201);
    const none = await eddy.app.inject({ url: '/v1/feature-views/sensor_stats/sagemaker' });
    assert.equal(none.statusCode, 404);
    assert.match(String(none.headers['content-type']), /^application\/problem\+json/);
    assert.equal(none.json().code, 'SINK_NOT_CONFIGURED');
    const unknown = await eddy.app.inject({ url: '/v1/feature-views/nope/sagemaker' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'FEATURE_VIEW_NOT_FOUND');
  });

  test('a change that does not move the watermark still wins; an unchanged entity is not written again', async (t) => {
    const emu = await startTestEmulator(t);
    const eddy = await startSinkEddy(t, emu);
    const { name, group } = await createSinkView(eddy, emu, withSink());
    await push(eddy, name, [{ sensor_id: 'a', ts: T0 + 60_000, temperature: 10, reading_id: 'x1' }]);
    await sinkIdle(eddy, name);
    assert.equal(storedRecord(emu, group, 'a')?.event_time, '2026-01-01T00:01:00.000Z');

    // Out of order but within allowedLateness: accepted, the values change, the watermark does not.
    await push(eddy, name, [{ sensor_id: 'a', ts: T0 + 30_000, temperature: 20, reading_id: 'x2' }]);
    await sinkIdle(eddy, name);
    const online = await onlineLatest(eddy, name, 'a');
    assert.equal(online.eventTime, '2026-01-01T00:01:00.000Z');
    assert.equal(online.values.temp_avg_5m, 15);
    const stored = storedRecord(emu, group, 'a')!;
    assert.equal(Number(stored.temp_avg_5m), 15, 'the newest values are in SageMaker');
    // SageMaker keeps a record only if its EventTime is newer: the sink wrote 1 ms past the watermark.
    assert.equal(stored.event_time, '2026-01-01T00:01:00.001Z');

    // A duplicate changes no value: the entity is checked, and not written again.
    const before = emu.calls().length;
    await push(eddy, name, [{ sensor_id: 'a', ts: T0 + 40_000, temperature: 99, reading_id: 'x2' }]);
    const state = await sinkIdle(eddy, name);
    assert.equal(emu.calls().length, before);
    assert.ok(state.unchanged >= 1);
  });

  test('the view ttl goes out as TtlDuration when EDDY_SAGEMAKER_SEND_TTL=true', async (t) => {
    const emu = await startTestEmulator(t);
    const eddy = await startSinkEddy(t, emu, { EDDY_SAGEMAKER_SEND_TTL: 'true' });
    const { name, group } = await createSinkView(eddy, emu, withSink({ ttl: '2d' }));
    const def = (await eddy.app.inject({ url: `/v1/feature-views/${name}/sagemaker` })).json();
    assert.deepEqual(def.createFeatureGroup.OnlineStoreConfig.TtlDuration, { Unit: 'Days', Value: 2 });
    const now = Date.now();
    await push(eddy, name, [{ sensor_id: 'fresh', ts: now, temperature: 3 }]);
    await sinkIdle(eddy, name);
    const rec = emu.records(group).find((r) => r.recordIdentifier === 'fresh');
    assert.equal(rec?.expiresAt, new Date(now + 2 * 86_400_000).toISOString());
  });

  test('a ValidationError is not retried: the entity goes to the sink dead-letter queue, and replay writes it', async (t) => {
    const emu = await startTestEmulator(t);
    const eddy = await startSinkEddy(t, emu);
    const { name, group } = await createSinkView(eddy, emu, withSink());
    // The group lacks one of the view's features: every PutRecord is refused with a ValidationError.
    emu.defineFeatureGroup(group, {
      recordIdentifierFeatureName: 'sensor_id',
      eventTimeFeatureName: 'event_time',
      featureNames: ['sensor_id', 'event_time', 'temp_avg_5m'],
    });
    await push(eddy, name, readings(3, 0));
    const state = await sinkIdle(eddy, name);
    assert.equal(state.deadLetters, 3);
    assert.equal(state.deadLettered, 3);
    assert.equal(state.failed, 3, 'one attempt each: validation errors are not retried');
    assert.equal(state.lastError?.code, 'ValidationError');
    assert.equal(emu.calls().length, 3);
    const metrics = await eddy.app.inject({ url: '/metrics' });
    assert.match(
      metrics.body,
      /eddy_sagemaker_writes_total\{feature_group="sensor-stats",outcome="dead_lettered"\} 3/,
    );

    const list = await eddy.app.inject({ url: `/v1/feature-views/${name}/sagemaker/dead-letters?limit=2` });
    assert.equal(list.statusCode, 200, list.body);
    const page = list.json();
    assert.equal(page.total, 3);
    assert.equal(page.items.length, 2);
    assert.ok(page.next);
    const first = page.items[0];
    assert.equal(first.code, 'ValidationError');
    assert.equal(first.status, 400);
    assert.equal(first.attempts, 1);
    assert.equal(first.featureGroupName, group);
    assert.equal(first.id, `1:${first.entity}`);
    const rest = await eddy.app.inject({
      url: `/v1/feature-views/${name}/sagemaker/dead-letters?after=${encodeURIComponent(page.next)}`,
    });
    assert.equal(rest.json().items.length, 1);
    assert.equal(rest.json().next, null);

    const missing = await eddy.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${name}/sagemaker/dead-letters/replay`,
      payload: { ids: ['1:nobody'] },
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'DEAD_LETTER_NOT_FOUND');

    // Fix the group, then replay: the entities' current values are written.
    const input = (await eddy.app.inject({ url: `/v1/feature-views/${name}/sagemaker` })).json()
      .createFeatureGroup;
    emu.defineFeatureGroup(group, {
      recordIdentifierFeatureName: 'sensor_id',
      eventTimeFeatureName: 'event_time',
      featureNames: input.FeatureDefinitions.map((d: { FeatureName: string }) => d.FeatureName),
    });
    const replay = await eddy.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${name}/sagemaker/dead-letters/replay`,
      payload: {},
    });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.deepEqual(replay.json(), { replayed: 3, missing: [] });
    const after = await sinkIdle(eddy, name);
    assert.equal(after.deadLetters, 0);
    await assertConverged(eddy, emu, name, group, ['s0', 's1', 's2']);
  });
});
