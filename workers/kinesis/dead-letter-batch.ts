/**
 * The last resort for a Kinesis batch that cannot be applied at all (for example its payload cannot be decoded):
 * for every view version of the batch that has not applied it yet, the job's records are kept undecoded, as they
 * were queued, in one dead letter with the reason, so the shard moves on and nothing is dropped. The id is
 * per batch end and view version, so a re-run stores the same entry once.
 */
import type { KinesisBatchData, KinesisBatchResult } from '../../src/adapters/queue/registry.js';
import { compareSeq } from '../../src/core/sequence.js';
import type { DeadLetterStore } from '../../src/ports/dead-letters.js';
import type { ViewCounters } from '../../src/ports/view-counters.js';
import { kinesisSource, noRecordsApplied, parseViewRef } from '../../src/services/apply-kinesis-batch.js';

export async function deadLetterKinesisBatch(
  deps: { deadLetters: DeadLetterStore; counters: ViewCounters },
  data: KinesisBatchData,
  err: unknown,
  now = Date.now(),
): Promise<KinesisBatchResult> {
  const source = kinesisSource(data.stream, data.shardId);
  const reason = `batch could not be applied: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}`;
  const records = Array.isArray(data.records?.sizes) ? data.records.sizes.length : 1;
  const result = noRecordsApplied(data);
  let failed = 0;
  for (const ref of data.views) {
    const { name, version } = parseViewRef(ref);
    if (compareSeq(await deps.counters.mark(name, version, source), data.batchEnd) >= 0) continue;
    await deps.deadLetters.add(name, version, [
      {
        id: `${source}:batch-${data.batchEnd}@${version}`,
        view: name,
        version,
        code: 'PROCESSING_FAILED',
        reason,
        storedAt: new Date(now).toISOString(),
        source: { type: 'kinesis', shardId: data.shardId, sequenceNumber: data.batchEnd },
        record: {
          stream: data.stream,
          shardId: data.shardId,
          batchEnd: data.batchEnd,
          records: data.records,
        },
        replays: 0,
      },
    ]);
    failed += records;
  }
  return { ...result, failed };
}
