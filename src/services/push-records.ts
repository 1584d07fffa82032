/**
 * Push ingestion: decode every record (through the view's transform, if any) against the view's latest version, keep bad ones in the
 * dead-letter store with their reason, and enqueue the good ones as one micro-batch job per push lane (events as
 * columns: adapters/queue/push-job-codec.ts).
 * Records of one entity always land in the same lane, in array order, so they are judged in arrival order.
 */
import { randomUUID } from 'node:crypto';
import { type DecodedEvents, decodeRecordEvents } from '../core/decode-record.js';
import type { CompiledView } from '../core/feature-view.js';
import { laneOf } from '../core/lane.js';
import type { DeadLetter, DeadLetterStore } from '../ports/dead-letters.js';
import type { BatchResult, PushBatch, PushEvent, PushLanes } from '../ports/push-lanes.js';
import type { ViewCounters } from '../ports/view-counters.js';

export interface PushReceipt {
  requestId: string;
  /** Records queued (a record may carry several events, or none once filtered). */
  accepted: number;
  /** Events the view's transform filtered out of the accepted records. */
  filtered: number;
  rejected: { index: number; code: string; reason: string }[];
  /** Present when the caller waited for the records to be applied. */
  applied?: { accepted: number; late: number; duplicate: number; failed: number };
}

export interface PushDeps {
  lanes: PushLanes;
  deadLetters: DeadLetterStore;
  counters: Pick<ViewCounters, 'countFiltered'>;
  clock?: () => number;
}

export interface PushOptions {
  wait: boolean;
  waitTimeoutMs: number;
  /**
   * The push's id, chosen by a caller that may send the same records again (a retried Firehose delivery). Its
   * dead-letter ids are then the same on every attempt, and each lane's share is queued at most once per id
   * (`PushBatch.onceId`). @defaultValue a random UUID
   */
  requestId?: string;
  /**
   * Records the caller decoded already, by index, used as they are: unusable ones (a payload that is not JSON) are
   * dead-lettered, events (a replayed push event, core/replayed-event.ts) queued.
   */
  decoded?: ReadonlyMap<number, DecodedEvents>;
}

export async function pushRecords(
  deps: PushDeps,
  view: CompiledView,
  records: readonly unknown[],
  options: PushOptions,
): Promise<PushReceipt> {
  const now = (deps.clock ?? Date.now)();
  const requestId = options.requestId ?? randomUUID();
  const byLane = new Map<number, PushEvent[]>();
  const rejected: PushReceipt['rejected'] = [];
  const letters: DeadLetter[] = [];
  let filtered = 0;

  records.forEach((raw, index) => {
    const decoded = options.decoded?.get(index) ?? decodeRecordEvents(view, raw, now);
    if (!decoded.ok) {
      rejected.push({ index, code: decoded.code, reason: decoded.reason });
      letters.push({
        id: `push:${requestId}:${index}`,
        view: view.name,
        version: view.version,
        code: decoded.code,
        reason: decoded.reason,
        storedAt: new Date(now).toISOString(),
        source: { type: 'push', index },
        record: raw,
        replays: 0,
      });
      return;
    }
    filtered += decoded.filtered;
    for (const event of decoded.events) {
      const lane = laneOf(view.name, event.entity, deps.lanes.count);
      let events = byLane.get(lane);
      if (!events) {
        events = [];
        byLane.set(lane, events);
      }
      events.push(event);
    }
  });

  const batches = new Map<number, PushBatch>();
  for (const [lane, events] of byLane) {
    const batch: PushBatch = {
      view: view.name,
      version: view.version,
      requestId,
      events,
      fields: view.fields,
    };
    if (options.wait) batch.wait = true;
    if (options.requestId !== undefined) batch.onceId = options.requestId;
    batches.set(lane, batch);
  }

  await deps.deadLetters.add(view.name, view.version, letters);
  const jobs = await deps.lanes.enqueue(batches);
  await deps.counters.countFiltered(view.name, view.version, filtered);
  const receipt: PushReceipt = { requestId, accepted: records.length - rejected.length, filtered, rejected };
  if (options.wait) {
    const results = await deps.lanes.waitFor(jobs, options.waitTimeoutMs);
    receipt.applied = results.reduce<BatchResult>(
      (sum, r) => ({
        accepted: sum.accepted + r.accepted,
        late: sum.late + r.late,
        duplicate: sum.duplicate + r.duplicate,
        failed: sum.failed + r.failed,
      }),
      { accepted: 0, late: 0, duplicate: 0, failed: 0 },
    );
  }
  return receipt;
}
