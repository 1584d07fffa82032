/**
 * A shard reader's hand-off of one GetRecords result: it records the job as the shard's batch in flight, adds it
 * to `kinesis-batch` and waits for it; the checkpoint after it is the job's end (an older job with the same id
 * may have ended elsewhere).
 */
import { createHash } from 'node:crypto';
import {
  arrivalOf,
  firstSeq,
  lastSeq,
  type RecordColumns,
} from '../../src/adapters/kinesis/record-columns.js';
import type { KinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import { encodeWireRecords } from '../../src/adapters/queue/kinesis-job-codec.js';
import { type KinesisBatchResult, kinesisBatchJobId } from '../../src/adapters/queue/registry.js';
import type { ReaderCheckpoint } from '../../src/core/kinesis/start-position.js';
import type { LatestStarts } from './latest-starts.js';
import { type ReaderView, refsOf } from './reader-view.js';

export interface BatchHandOff {
  batches: KinesisBatches;
  stream: string;
  shardId: string;
  /** The generation of the reader's lease: the batch is applied only while it is current. */
  lease: number;
  starts: LatestStarts;
  /** Records the job id as the shard's batch in flight, before the job is added. */
  saveInflight: (jobId: string) => Promise<void>;
  /** The lease was lost: stop waiting. */
  aborted: () => boolean;
}

/** Hands one GetRecords result to a batch job and waits for it (null when the lease was lost meanwhile). */
export async function runBatch(
  handOff: BatchHandOff,
  records: RecordColumns,
  views: readonly ReaderView[],
): Promise<KinesisBatchResult | null> {
  const { stream, shardId, lease } = handOff;
  const refs = refsOf(views);
  const digest = createHash('sha1').update(refs.join(',')).digest('hex').slice(0, 12);
  const jobId = kinesisBatchJobId(stream, shardId, firstSeq(records), digest, lease);
  await handOff.saveInflight(jobId);
  return handOff.batches.run(
    jobId,
    {
      stream,
      shardId,
      batchEnd: lastSeq(records),
      views: refs,
      lease,
      starts: handOff.starts.forBatch(views),
      records: encodeWireRecords(records),
    },
    handOff.aborted,
  );
}

/** The checkpoint after a batch of `records` that ended at `batchEnd`, with that record's arrival time. */
export function checkpointAfter(records: RecordColumns, batchEnd: string): ReaderCheckpoint {
  const lastArrival = records.arrivals[records.count - 1]!;
  const arrivalMs =
    batchEnd === lastSeq(records) ? lastArrival : (arrivalOf(records, batchEnd) ?? lastArrival);
  return { seq: batchEnd, arrivalMs };
}
