/**
 * The SageMaker sink under injected faults (the emulator's throttling and 5xx, drawn from a seeded RNG): records
 * converge to the online values; the dead-letter queue fills only when attempts run out, and replay fixes it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestEmulator } from '../helpers/sagemaker-emulator.js';
import {
  assertConverged,
  createSinkView,
  push,
  sinkIdle,
  sinkState,
  startSinkEddy,
  storedRecord,
} from '../helpers/sagemaker-sink.js';
import { sensorView } from '../helpers/views.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const FAULTS = { throttleRate: 0.3, errorRate: 0.05, errorType: 'InternalFailure' as const };
const spec = sensorView({ sinks: { sagemaker: { featureGroupName: 'sensor-stats' } } });

async function pushRounds(eddy: Parameters<typeof push>[0], view: string, entities: number, rounds: number) {
  for (let round = 0; round < rounds; round++) {
    await push(
      eddy,
      view,
      Array.from({ length: entities }, (_, i) => ({
        sensor_id: `s${i}`,
        ts: T0 + round * 5_000 + i,
        temperature: ((i * 31 + round * 17) % 23) - 4.5,
      })),
    );
  }
  return Array.from({ length: entities }, (_, i) => `s${i}`);
}

describe('SageMaker sink with 30% throttling and 5% 500s', () => {
  test('generous attempts: records converge and nothing is dead-lettered', async (t) => {
    const emu = await startTestEmulator(t, { faults: FAULTS, seed: 7 });
    const eddy = await startSinkEddy(t, emu);
    const { name, group } = await createSinkView(eddy, emu, spec);
    const entities = await pushRounds(eddy, name, 40, 4);
    const state = await sinkIdle(eddy, name);
    await assertConverged(eddy, emu, name, group, entities);
    assert.equal(state.deadLetters, 0);
    assert.equal(state.deadLettered, 0);
    const calls = emu.calls();
    const throttled = calls.filter((c) => c.fault === 'throttle').length;
    const failed500 = calls.filter((c) => c.fault === 'InternalFailure').length;
    assert.ok(
      throttled > 0 && failed500 > 0,
      `faults were injected (${throttled} throttled, ${failed500} 500s)`,
    );
    assert.equal(state.failed, throttled + failed500, 'every failed attempt is counted');
    assert.ok(calls.every((c) => c.signed));
  });

  test('one attempt: failures go to the dead-letter queue; faults off and replay converge', async (t) => {
    const emu = await startTestEmulator(t, { faults: FAULTS, seed: 11 });
    const eddy = await startSinkEddy(t, emu, { EDDY_SAGEMAKER_MAX_ATTEMPTS: '1' });
    const { name, group } = await createSinkView(eddy, emu, spec);
    const entities = await pushRounds(eddy, name, 30, 1);
    const state = await sinkIdle(eddy, name);
    const faulted = emu.calls().filter((c) => c.fault);
    assert.ok(faulted.length > 0);
    assert.equal(state.deadLetters, faulted.length, 'each failed write is one dead letter');
    assert.equal(state.deadLettered, faulted.length);

    const list = (await eddy.app.inject({ url: `/v1/feature-views/${name}/sagemaker/dead-letters` })).json();
    assert.equal(list.total, faulted.length);
    assert.deepEqual(
      list.items.map((e: { entity: string }) => e.entity).sort(),
      entities.filter((e) => !storedRecord(emu, group, e)).sort(),
      'the dead letters are exactly the entities missing from SageMaker',
    );
    for (const e of list.items) {
      assert.ok(['ThrottlingException', 'InternalFailure'].includes(e.code), e.code);
      assert.equal(e.attempts, 1);
    }

    emu.setFaults({ throttleRate: 0, errorRate: 0 });
    const replay = await eddy.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${name}/sagemaker/dead-letters/replay`,
      payload: { ids: list.items.map((e: { id: string }) => e.id) },
    });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(replay.json().replayed, faulted.length);
    await sinkIdle(eddy, name);
    await assertConverged(eddy, emu, name, group, entities);
    const after = await sinkState(eddy, name);
    assert.equal(after.deadLetters, 0);
  });
});
