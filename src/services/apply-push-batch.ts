/**
 * Applies push-lane jobs: the lane is the source, a BullMQ job number the sequence number of its records.
 *
 * `applyPushBatches` applies consecutive jobs of one lane (the head job and the jobs waiting right behind it, all
 * for the same view version) as one source batch ending at the last job's number, so an entity with records in
 * several of them is loaded and written once. The exactly-once protocol needs nothing else: each record keeps
 * its own job's number, and when the jobs behind come up they find the view's mark at or past their number and
 * return at once (core/entity-batch.ts; a batch may be re-run batched differently).
 */
import type { SequencedEvent } from '../core/entity-batch.js';
import { EddyError, ErrorCode } from '../core/errors.js';
import type { CompiledView } from '../core/feature-view.js';
import type { BatchResult, PushJob } from '../ports/push-lanes.js';
import { type ApplyDeps, applySourceBatch, type EventsByEntity } from './apply-source-batch.js';
import type { ViewCatalog } from './view-catalog.js';

/**
 * The source id of a push lane in one epoch (adapters/queue/lane-epoch.ts): job numbers restart when the lane's
 * queue is obliterated, so each epoch is a source of its own. Epoch 1 keeps the id lanes had before epochs.
 */
export const pushSource = (lane: number, epoch: number) => (epoch <= 1 ? `p:${lane}` : `p:${lane}~${epoch}`);

export function applyPushBatch(
  deps: ApplyDeps & { catalog: ViewCatalog },
  source: string,
  job: PushJob,
): Promise<BatchResult> {
  return applyPushBatches(deps, source, [job]);
}

/**
 * `source`: the lane's `pushSource`; `jobs`: consecutive jobs of the lane, in job-number order, all for the view
 * version of the first.
 */
export async function applyPushBatches(
  deps: ApplyDeps & { catalog: ViewCatalog },
  source: string,
  jobs: readonly PushJob[],
): Promise<BatchResult> {
  const { view, version } = jobs[0]!;
  let compiled: CompiledView;
  try {
    compiled = (await deps.catalog.get(view, version)).compiled;
  } catch (err) {
    // The view was deleted after the records were accepted: nothing left to apply them to.
    if (err instanceof EddyError && err.code !== ErrorCode.UNAVAILABLE) {
      return { accepted: 0, late: 0, duplicate: 0, failed: 0 };
    }
    throw err;
  }
  for (const job of jobs)
    if (job.view !== view || job.version !== version) throw new Error('push jobs of different views');
  const byEntity = eventsByEntity(jobs);
  const count = await applySourceBatch(deps, compiled, {
    source,
    batchEnd: jobs[jobs.length - 1]!.number,
    byEntity,
  });
  return { accepted: count.accepted, late: count.late, duplicate: count.duplicate, failed: 0 };
}

/**
 * The jobs' events by entity, kept as the jobs' columns plus, per entity, the positions of its events: an event
 * object is built only when its entity is applied, and is garbage right after. (Held as objects, the events of a
 * batch of 50,000 records outlived several young-generation collections and were copied by each.)
 */
function eventsByEntity(jobs: readonly PushJob[]): EventsByEntity {
  const columns = jobs.map((job) => job.events);
  const total = columns.reduce((sum, c) => sum + c.entities.length, 0);
  const jobOf = new Uint32Array(total);
  const indexInJob = new Uint32Array(total);
  const positions = new Map<string, number[]>();
  let at = 0;
  columns.forEach((c, j) => {
    c.entities.forEach((entity, k) => {
      jobOf[at] = j;
      indexInJob[at] = k;
      let list = positions.get(entity);
      if (!list) {
        list = [];
        positions.set(entity, list);
      }
      list.push(at++);
    });
  });
  return {
    keys: () => positions.keys(),
    get(entity) {
      return positions.get(entity)?.map((p) => {
        const event = columns[jobOf[p]!]!.eventAt(indexInJob[p]!) as SequencedEvent;
        event.seq = jobs[jobOf[p]!]!.number;
        return event;
      });
    },
  };
}
