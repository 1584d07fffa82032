/**
 * A Kinesis micro-batch as the services see it: one GetRecords page of one shard, its records decoded into
 * columns (adapters/queue/kinesis-job-codec.ts is the job format the batch travels in).
 */

/** A view version a batch applies to, as `<name>@<version>`. */
export type ViewRef = string;

/**
 * The records of one page, column by column (a page of 10,000 records is five objects, its payloads outside the
 * JS heap). Sequence numbers are decimal digits, so `,` separates them.
 */
export interface RecordColumns {
  /** Records in the page. */
  count: number;
  /** SequenceNumber of every record, in page order, joined by `,` ('' when the page is empty). */
  seqs: string;
  /** ApproximateArrivalTimestamp of every record, epoch ms. */
  arrivals: number[];
  /** Byte length of every record's Data. */
  sizes: number[];
  /** Every record's Data, concatenated. */
  data: Buffer;
}

export interface KinesisBatch {
  stream: string;
  shardId: string;
  /** Sequence number of the last record (the batch end; see core/entity-batch.ts). */
  batchEnd: string;
  views: ViewRef[];
  /**
   * Generation of the shard lease the reader held (the fencing token): the batch is applied only while it is
   * still the shard's latest. Absent in batches enqueued before fencing existed (applied unfenced).
   */
  lease?: number;
  /** LATEST view versions' shard starts: their records after it count (core/kinesis/start-position.ts). */
  starts?: Record<ViewRef, string>;
  records: RecordColumns;
}

export interface KinesisBatchResult {
  batchEnd: string;
  views: ViewRef[];
  /** Summed over the view versions. */
  accepted: number;
  late: number;
  duplicate: number;
  rejected: number;
  /** Records dead-lettered because a view version could not apply the batch. */
  failed: number;
  /** True when the batch's lease was no longer the shard's latest: nothing was applied. */
  fenced?: boolean;
}
