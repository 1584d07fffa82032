/**
 * One GetRecords page as a `kinesis-batch` job carries it: the page's columns (kinesis/record-columns.ts), with
 * the sequence numbers and the payloads each deflated into one base64 string. Written one object per record
 * with a base64 payload each, a page of 10,000 sensor readings was about 2.8 MB of JSON (written to Redis by the
 * reader, read back and parsed by the worker, kept while the job is retained) and 20,000 objects and strings on
 * each side; this form is about 330 KB and a handful of strings and arrays (`npm run bench` measures the effect
 * on Kinesis ingestion).
 *
 * Contract: `decodeWireRecords(encodeWireRecords(columns))` gives back the same columns (every record, in order,
 * with the same sequence number, arrival time and bytes); a payload whose columns disagree is refused, never
 * applied shifted.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { RecordColumns } from '../kinesis/record-columns.js';

/** The records of one job. */
export interface KinesisWireRecords {
  /** SequenceNumber of every record, joined by `,`, deflated (raw), base64. */
  seqs: string;
  /** ApproximateArrivalTimestamp of every record, epoch ms. */
  arrivals: number[];
  /** Byte length of every record's Data. */
  sizes: number[];
  /** Every record's Data, concatenated, deflated (raw), base64 (need not be UTF-8: the worker dead-letters bad ones). */
  data: string;
}

/** Level 1: on sensor JSON about 6× smaller than the input, at a fraction of the cost of the default level. */
const DEFLATE = { level: 1 };

const NOTHING = deflateRawSync(Buffer.alloc(0), DEFLATE).toString('base64');
const NO_RECORDS: KinesisWireRecords = { seqs: NOTHING, arrivals: [], sizes: [], data: NOTHING };

export function encodeWireRecords(columns: RecordColumns): KinesisWireRecords {
  return {
    seqs: deflateRawSync(columns.seqs, DEFLATE).toString('base64'),
    arrivals: columns.arrivals,
    sizes: columns.sizes,
    data: deflateRawSync(columns.data, DEFLATE).toString('base64'),
  };
}

/** The job's data without its records (drop-applied-records.ts): it reads as a page of no records. */
export function withoutRecords<T extends { records: KinesisWireRecords }>(data: T): T {
  return { ...data, records: NO_RECORDS };
}

/** The page's columns back; throws when they disagree (a payload not written by encodeWireRecords). */
export function decodeWireRecords(wire: KinesisWireRecords): RecordColumns {
  const count = wire.sizes.length;
  if (!wire.sizes.every((n) => Number.isInteger(n) && n >= 0))
    throw new Error('kinesis batch: record sizes must be non-negative integers');
  const total = wire.sizes.reduce((a, b) => a + b, 0);
  const data = inflateRawSync(Buffer.from(wire.data, 'base64'), { maxOutputLength: Math.max(1, total) });
  if (data.length !== total) throw new Error('kinesis batch: payload bytes do not match the record sizes');
  const seqs = inflateRawSync(Buffer.from(wire.seqs, 'base64')).toString('latin1');
  const columns = { count, seqs, arrivals: wire.arrivals, sizes: wire.sizes, data };
  if (countSeqs(seqs) !== count || wire.arrivals.length !== count)
    throw new Error('kinesis batch: sequence numbers, arrivals and sizes differ in length');
  return columns;
}

/** Sequence numbers in a `,`-joined list, counted without splitting it. */
function countSeqs(joined: string): number {
  if (joined.length === 0) return 0;
  let n = 1;
  for (let at = joined.indexOf(','); at >= 0; at = joined.indexOf(',', at + 1)) n++;
  return n;
}
