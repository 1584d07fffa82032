/**
 * The sink's `afterApply` hook (services/apply-source-batch.ts): marks the changed entities of a view version that
 * has a SageMaker sink as pending and, when that armed the view's drain, enqueues the drain job, delayed by the
 * linger so that a burst of changes is written once. Redis only (one script call, then at most one job add), so
 * a slow or absent SageMaker never slows the batch path. Idempotent: marking twice only renews the generation.
 */
import type { CompiledView } from '../../core/feature-view.js';
import type { SinkDrainQueue, SinkPendingSet } from '../../ports/sagemaker-sink-store.js';
import type { SinkLookup } from './sink-lookup.js';

export interface MarkPendingDeps {
  lookup: SinkLookup;
  pending: SinkPendingSet;
  queue: SinkDrainQueue;
  lingerMs: number;
}

export function markSinkPending(deps: MarkPendingDeps) {
  return async (view: CompiledView, entities: readonly string[]): Promise<void> => {
    if (entities.length === 0 || !(await deps.lookup(view.name, view.version))) return;
    const arm = await deps.pending.mark(view.name, view.version, entities);
    if (arm > 0) await deps.queue.enqueueDrain(view.name, arm, deps.lingerMs);
  };
}
