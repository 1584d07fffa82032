/** Test pages written as rows (sequence number, arrival, bytes), turned into what GetRecords gives a reader. */
import type { _Record } from '@aws-sdk/client-kinesis';
import { type RecordColumns, recordColumns } from '../../src/adapters/kinesis/record-columns.js';

export interface RecordRow {
  seq: string;
  arrivalMs: number;
  data: Uint8Array;
}

/** The rows as the SDK's records (each Data its own array, as the SDK's own reader makes them). */
export const sdkRecords = (rows: readonly RecordRow[]): _Record[] =>
  rows.map((r) => ({
    SequenceNumber: r.seq,
    ApproximateArrivalTimestamp: new Date(r.arrivalMs),
    Data: r.data,
    PartitionKey: 'p',
  }));

/** The rows as a page's columns. */
export const columnsOf = (rows: readonly RecordRow[]): RecordColumns => recordColumns(sdkRecords(rows));
