/** Applies one push-lane job: the lane is the source, the BullMQ job number the batch's sequence number. */

import type { BatchResult, PushBatchData } from '../adapters/queue/registry.js';
import type { SequencedEvent } from '../core/entity-batch.js';
import { EddyError, ErrorCode } from '../core/errors.js';
import type { CompiledView } from '../core/feature-view.js';
import { type ApplyDeps, applySourceBatch } from './apply-source-batch.js';
import type { ViewCatalog } from './view-catalog.js';

export const pushSource = (lane: number) => `p:${lane}`;

export async function applyPushBatch(
  deps: ApplyDeps & { catalog: ViewCatalog },
  lane: number,
  jobNumber: string,
  data: PushBatchData,
): Promise<BatchResult> {
  let compiled: CompiledView;
  try {
    compiled = (await deps.catalog.get(data.view, data.version)).compiled;
  } catch (err) {
    // The view was deleted after the records were accepted: nothing left to apply them to.
    if (err instanceof EddyError && err.code !== ErrorCode.UNAVAILABLE) {
      return { accepted: 0, late: 0, duplicate: 0, failed: 0 };
    }
    throw err;
  }
  const byEntity = new Map<string, SequencedEvent[]>();
  for (const w of data.events) {
    let list = byEntity.get(w.e);
    if (!list) {
      list = [];
      byEntity.set(w.e, list);
    }
    list.push(
      w.i === undefined
        ? { t: w.t, values: w.v, seq: jobNumber }
        : { t: w.t, id: w.i, values: w.v, seq: jobNumber },
    );
  }
  const count = await applySourceBatch(deps, compiled, {
    source: pushSource(lane),
    batchEnd: jobNumber,
    byEntity,
  });
  return { accepted: count.accepted, late: count.late, duplicate: count.duplicate, failed: 0 };
}
