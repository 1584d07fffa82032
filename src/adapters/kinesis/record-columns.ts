/**
 * The records of one GetRecords page, column by column: sequence numbers joined into one string, arrival times
 * and sizes in two number arrays, every payload in one buffer. A reader holds a page for as long as its batch
 * applies (and the page read ahead while the one before applies); held as the SDK returns it, a page of 10,000
 * records is some 30,000 objects (records, dates, byte arrays) that outlive young-generation collections and are
 * copied by each. As columns it is five objects, its payload outside the JS heap.
 *
 * Sequence numbers are decimal digits (Kinesis: `0|([1-9]\d{0,128})`), so `,` separates them.
 */
import type { _Record } from '@aws-sdk/client-kinesis';
import type { RecordColumns } from '../../ports/kinesis-batches.js';

export type { RecordColumns };

/**
 * A page as the SDK returns it, as columns. A record without ApproximateArrivalTimestamp gets `now`. The payloads
 * are copied only when they do not already lie back to back in one buffer (as get-records-protocol.ts reads them).
 */
export function recordColumns(records: readonly _Record[], now = Date.now()): RecordColumns {
  return {
    count: records.length,
    seqs: records.map((r) => r.SequenceNumber!).join(','),
    arrivals: records.map((r) => r.ApproximateArrivalTimestamp?.getTime() ?? now),
    sizes: records.map((r) => r.Data?.byteLength ?? 0),
    data: contiguousData(records) ?? Buffer.concat(records.map((r) => r.Data ?? new Uint8Array(0))),
  };
}

/** The payloads of `records` as one buffer without copying, when they are views laid back to back. */
function contiguousData(records: readonly _Record[]): Buffer | null {
  const first = records[0]?.Data;
  if (!first) return null;
  let end = first.byteOffset;
  for (const r of records) {
    const d = r.Data;
    if (!d || d.buffer !== first.buffer || d.byteOffset !== end) return null;
    end += d.byteLength;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** Sequence number of the first record (the page must not be empty). */
export function firstSeq(c: RecordColumns): string {
  const comma = c.seqs.indexOf(',');
  return comma < 0 ? c.seqs : c.seqs.slice(0, comma);
}

/** Sequence number of the last record (the page must not be empty). */
export const lastSeq = (c: RecordColumns): string => c.seqs.slice(c.seqs.lastIndexOf(',') + 1);

/** Arrival time of the record with sequence number `seq`, or undefined when the page does not hold it. */
export function arrivalOf(c: RecordColumns, seq: string): number | undefined {
  const at = c.count === 0 ? -1 : c.seqs.split(',').indexOf(seq);
  return at < 0 ? undefined : c.arrivals[at];
}
