/**
 * One drain of a view's pending entities (the BullMQ `drain` job). At most one drain per view holds the view's
 * arm at a time (mark-pending.ts arms it, the arm expires unless refreshed), so an entity is never written by
 * two drains at once. The drain writes up to `concurrency` entities at a time, lowest generation first, and
 * ends when nothing is pending, disarming atomically with that check, so a mark that lands just after arms a
 * new drain. After `sliceMs`, or when `signal` aborts (shutdown), it stops taking entities, lets the writes in
 * flight finish (on abort they stop at once and stay pending) and hands the view off to a new drain job.
 */
import type { SinkDrainQueue } from '../../ports/sagemaker-sink-store.js';
import { type WriteEntityDeps, writePendingEntity } from './write-entity.js';

export interface DrainDeps extends WriteEntityDeps {
  queue: SinkDrainQueue;
  /** How long one drain job runs before handing off, ms. */
  sliceMs: number;
  /** How often a running drain refreshes its arm, ms (well below the arm's ttl). */
  refreshMs: number;
}

export type DrainResult = 'done' | 'handed-off' | 'not-ours';

export async function drainView(
  deps: DrainDeps,
  view: string,
  arm: number,
  signal: AbortSignal,
): Promise<DrainResult> {
  if (!(await deps.pending.claim(view, arm))) return 'not-ours';
  const startedAt = Date.now();
  const concurrency = deps.settings.concurrency;
  const inflight = new Map<string, Promise<void>>();
  let lost = false;
  let failure: unknown = null;
  const refresh = setInterval(() => {
    deps.pending.claim(view, arm).then(
      (ours) => {
        if (!ours) lost = true;
      },
      () => {},
    );
  }, deps.refreshMs);
  let cursor = 0; // generations start at 1
  try {
    for (;;) {
      const stopping = signal.aborted || lost || failure !== null || Date.now() - startedAt >= deps.sliceMs;
      if (!stopping && inflight.size < concurrency) {
        const batch = await deps.pending.scan(view, cursor, concurrency);
        for (const p of batch) {
          if (inflight.size >= concurrency) break;
          cursor = p.generation;
          // Already being written: that writer sees the new generation and writes again.
          if (inflight.has(p.member)) continue;
          const task = writePendingEntity(deps, view, p, signal).catch((err) => {
            failure ??= err;
          });
          inflight.set(
            p.member,
            task.finally(() => inflight.delete(p.member)),
          );
        }
        if (batch.length > 0 && inflight.size < concurrency) continue;
      }
      if (inflight.size > 0) {
        await Promise.race(inflight.values());
        continue;
      }
      if (failure !== null) throw failure; // BullMQ retries the job; the arm is still ours
      if (lost) return 'not-ours';
      const released = await deps.pending.release(view, arm, stopping);
      if (released === -1) return 'not-ours';
      if (released === 0) return 'done';
      if (released > 0) {
        await deps.queue.enqueueDrain(view, released, 0);
        return 'handed-off';
      }
      cursor = 0; // -2: entities are pending below the cursor (marked again while being written): scan again
    }
  } finally {
    clearInterval(refresh);
  }
}
