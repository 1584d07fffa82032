/**
 * A process closed right after it starts (a deploy rolled back, a failed health check) leaves nothing pending: no
 * Redis command of its start-up rejects unobserved once its connections close. On a Redis Cluster the lanes'
 * start-up commands were still queued while the cluster connected, and closing rejected them unhandled, which the
 * test runner reports as a failure of this test (and which ends a Node process).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEddy } from '../helpers/eddy.js';

test('an API and a worker closed right after they start leave no rejection unhandled', async () => {
  const unhandled: string[] = [];
  const collect = (reason: unknown) => unhandled.push(String(reason));
  process.on('unhandledRejection', collect);
  for (let i = 0; i < 3; i++) {
    const api = await startEddy({}, { api: true, worker: false });
    await api.close();
    const worker = await startEddy({}, { api: false, worker: true });
    await worker.close();
  }
  // Pending rejections surface within a few turns of the event loop after the connections close.
  await new Promise((r) => setTimeout(r, 500));
  process.off('unhandledRejection', collect);
  assert.deepEqual(unhandled, []);
});
