/**
 * The SageMaker sink when SageMaker is away, and when one entity changes a lot: the online store stays current
 * and SageMaker catches up; a burst of updates to one entity is coalesced into few PutRecord calls.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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
const spec = sensorView({ sinks: { sagemaker: { featureGroupName: 'sensor-stats' } } });

describe('SageMaker sink: outage and coalescing', () => {
  test('SageMaker down for 3 s mid-run: online values stay current throughout, SageMaker catches up after', async (t) => {
    const emu = await startTestEmulator(t);
    // Attempts enough to outlast the outage (backoff capped at 200 ms).
    const eddy = await startSinkEddy(t, emu, {
      EDDY_SAGEMAKER_MAX_ATTEMPTS: '1000',
      EDDY_SAGEMAKER_BACKOFF_MAX_MS: '200',
    });
    const { name, group } = await createSinkView(eddy, emu, spec);
    const entities = ['m1', 'm2', 'm3', 'm4', 'm5'];
    let step = 0;
    const round = async () => {
      const ts = T0 + step * 1000;
      const records = entities.map((sensor_id, i) => ({ sensor_id, ts, temperature: step + i / 10 }));
      step++;
      await push(eddy, name, records);
      // The Redis path does not wait for SageMaker: the values just pushed are served at once.
      for (const [i, e] of entities.entries()) {
        const online = await onlineLatest(eddy, name, e);
        assert.equal(online.eventTime, new Date(ts).toISOString());
        assert.equal(online.values.temp_last, step - 1 + i / 10);
      }
    };

    for (let i = 0; i < 5; i++) await round();
    await sinkIdle(eddy, name);
    await emu.setDown(true);
    const downAt = Date.now();
    let roundsWhileDown = 0;
    while (Date.now() - downAt < 3000) {
      await round();
      roundsWhileDown++;
      await sleep(50);
    }
    assert.ok(emu.isDown());
    assert.ok(roundsWhileDown >= 5, `pushed ${roundsWhileDown} rounds while SageMaker was down`);
    // Nothing written during the outage: SageMaker still has the values from before it.
    assert.equal(storedRecord(emu, group, 'm1')?.temp_last, '4');
    await emu.setDown(false);
    for (let i = 0; i < 3; i++) await round();

    const state = await sinkIdle(eddy, name, 30_000);
    await assertConverged(eddy, emu, name, group, entities);
    assert.equal(state.deadLetters, 0);
    assert.ok(state.failed > 0, 'writes failed during the outage and were retried');
    assert.match(state.lastError?.code ?? '', /^E[A-Z]+$/, 'network errors (connection refused or reset)');
  });

  test('1,000 updates to one entity within about a second: far fewer PutRecord calls, and the last value wins', async (t) => {
    const emu = await startTestEmulator(t);
    const eddy = await startSinkEddy(t, emu, { EDDY_SAGEMAKER_LINGER_MS: '100' });
    const { name, group } = await createSinkView(eddy, emu, spec);
    const started = Date.now();
    // 1,000 separate push requests (each its own micro-batch), 20 in flight at a time.
    const updates = Array.from({ length: 1000 }, (_, i) => i);
    for (let i = 0; i < updates.length; i += 20) {
      await Promise.all(
        updates
          .slice(i, i + 20)
          .map((n) => push(eddy, name, [{ sensor_id: 'hot', ts: T0 + n * 10, temperature: n }], false)),
      );
    }
    const pushMs = Date.now() - started;
    // Wait until the last update is applied online, then until the sink is idle.
    for (let i = 0; ; i++) {
      const online = await onlineLatest(eddy, name, 'hot');
      if (online.values.temp_last === 999) break;
      assert.ok(i < 1000, 'the updates were applied');
      await sleep(20);
    }
    await sinkIdle(eddy, name);
    const puts = emu.calls().filter((c) => c.operation === 'PutRecord' && c.recordIdentifier === 'hot');
    t.diagnostic(`1000 updates pushed in ${pushMs} ms -> ${puts.length} PutRecord calls`);
    assert.ok(puts.length <= 100, `${puts.length} PutRecord calls for 1000 updates`);
    assert.equal(storedRecord(emu, group, 'hot')?.temp_last, '999');
    assert.equal(storedRecord(emu, group, 'hot')?.event_time, new Date(T0 + 9990).toISOString());
    await assertConverged(eddy, emu, name, group, ['hot']);
  });
});
