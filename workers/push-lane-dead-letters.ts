/**
 * Keeps every record of a push-lane batch that could not be applied in the dead-letter store: the event it had
 * become (a replay queues that event as it is, core/replayed-event.ts), and for the reader the record rebuilt in
 * the view's record shape (core/decode-record.ts `recordOf`; the event itself when the view version cannot be
 * read either). A job whose own payload is damaged is kept whole, as one
 * dead letter.
 */
import { forEachPushEvent, pushEventCount } from '../src/adapters/queue/push-job-codec.js';
import type { BatchResult, PushBatchData } from '../src/adapters/queue/registry.js';
import { recordOf } from '../src/core/decode-record.js';
import { storedEventOf } from '../src/core/replayed-event.js';
import type { DeadLetter, DeadLetterStore } from '../src/ports/dead-letters.js';
import type { ViewCatalog } from '../src/services/view-catalog.js';

/** Stores the batch's records as dead letters; its result counts them all as failed. */
export async function deadLetterBatch(
  deps: { deadLetters: DeadLetterStore; catalog: ViewCatalog },
  jobId: string,
  data: PushBatchData,
  err: unknown,
): Promise<BatchResult> {
  const view = await deps.catalog.get(data.view, data.version).then(
    (found) => found.compiled,
    () => null,
  );
  const storedAt = new Date().toISOString();
  const reason = `batch could not be applied: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}`;
  const records: DeadLetter[] = [];
  try {
    forEachPushEvent(data, (entity, event) => {
      const index = records.length;
      records.push({
        id: `push:${data.requestId}:job-${jobId}:${index}`,
        view: data.view,
        version: data.version,
        code: 'PROCESSING_FAILED',
        reason,
        storedAt,
        source: { type: 'push' as const, index },
        record: view ? recordOf(view, entity, event) : storedEventOf(entity, event),
        event: storedEventOf(entity, event),
        replays: 0,
      });
    });
  } catch (decodeErr) {
    // The job's own payload is damaged: keep it whole, as one dead letter.
    records.length = 0;
    records.push({
      id: `push:${data.requestId}:job-${jobId}`,
      view: data.view,
      version: data.version,
      code: 'PROCESSING_FAILED',
      reason: `${reason}; the job payload could not be read: ${String(decodeErr).slice(0, 200)}`,
      storedAt,
      source: { type: 'push' as const, index: 0 },
      record: data,
      replays: 0,
    });
  }
  await deps.deadLetters.add(data.view, data.version, records);
  return { accepted: 0, late: 0, duplicate: 0, failed: pushEventCount(data) };
}
