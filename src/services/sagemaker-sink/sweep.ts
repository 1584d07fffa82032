/**
 * The safety net behind mark-pending.ts: arms a drain for every view that has pending entities and no armed
 * drain (a process died between arming and enqueuing, or a drain job failed for good). Run periodically.
 */
import type { SinkDrainQueue, SinkPendingSet } from '../../ports/sagemaker-sink-store.js';
import type { ViewCatalog } from '../view-catalog.js';

export async function sweepSinks(deps: {
  catalog: ViewCatalog;
  pending: SinkPendingSet;
  queue: SinkDrainQueue;
}): Promise<number> {
  let armed = 0;
  for (const view of await deps.catalog.list()) {
    const arm = await deps.pending.armIfPending(view.name);
    if (arm > 0) {
      await deps.queue.enqueueDrain(view.name, arm, 0);
      armed++;
    }
  }
  return armed;
}
