import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReadiness, lagProbe } from '../../src/runtime/readiness.js';

test('ready only when every registered probe is ok; each reports ok or its reason', async () => {
  const readiness = createReadiness();
  assert.deepEqual(await readiness.check(), { ready: true, checks: {} });
  let up = true;
  readiness.register('redis', async () => (up ? { ok: true } : { ok: false, reason: 'unreachable' }));
  readiness.register('workers', () => ({ ok: true }));
  assert.deepEqual(await readiness.check(), { ready: true, checks: { redis: 'ok', workers: 'ok' } });
  up = false;
  assert.deepEqual(await readiness.check(), {
    ready: false,
    checks: { redis: 'unreachable', workers: 'ok' },
  });
});

test('a probe that throws or hangs is not ready, and does not hold up the others', async () => {
  const readiness = createReadiness();
  readiness.register('throws', () => {
    throw new Error('no connection');
  });
  readiness.register('hangs', () => new Promise(() => {}));
  readiness.register('fine', () => ({ ok: true }));
  const report = await readiness.check(50);
  assert.equal(report.ready, false);
  assert.equal(report.checks.throws, 'failed: no connection');
  assert.equal(report.checks.hangs, 'no answer within 50 ms');
  assert.equal(report.checks.fine, 'ok');
});

test('the lag probe passes at or under the bound and when there is nothing to lag behind', async () => {
  let lag: number | null = null;
  const probe = lagProbe(() => lag, 1000);
  assert.deepEqual(await probe(), { ok: true });
  lag = 1000;
  assert.deepEqual(await probe(), { ok: true });
  lag = 1001;
  assert.deepEqual(await probe(), { ok: false, reason: 'lag 1001 ms is above 1000 ms' });
});
