/**
 * One GetRecords result as a `kinesis-batch` job carries it: column by column, the sequence numbers and the
 * payloads each in one deflated, base64 string. A page holds up to 10,000 records; written one object per
 * record with a base64 payload each, its job was about 2.8 MB of JSON for 10,000 sensor readings (written to
 * Redis by the reader, read back and parsed by the worker, kept while the job is retained), and the 20,000
 * objects and strings per page on each side kept the collector busy. This form is about 330 KB and a handful of
 * strings and arrays (`npm run bench` measures the effect on Kinesis ingestion).
 *
 * Contract: `decodeWireRecords(encodeWireRecords(records))` gives back every record, in order, with the same
 * sequence number, arrival time and bytes. Sequence numbers are decimal digits (Kinesis: `0|([1-9]\d{0,128})`),
 * so `,` separates them.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

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

/** One record as the worker applies it. */
export interface KinesisRecordBytes {
  seq: string;
  arrivalMs: number;
  data: Buffer;
}

/** Level 1: on sensor JSON about 6× smaller than the input, at a fraction of the cost of the default level. */
const DEFLATE = { level: 1 };

export function encodeWireRecords(
  records: readonly { seq: string; arrivalMs: number; data: Uint8Array }[],
): KinesisWireRecords {
  const seqs = records.map((r) => r.seq).join(',');
  const data = Buffer.concat(records.map((r) => r.data));
  return {
    seqs: deflateRawSync(seqs, DEFLATE).toString('base64'),
    arrivals: records.map((r) => r.arrivalMs),
    sizes: records.map((r) => r.data.length),
    data: deflateRawSync(data, DEFLATE).toString('base64'),
  };
}

/** The records back, in order; throws when the columns disagree (a payload not written by encodeWireRecords). */
export function decodeWireRecords(wire: KinesisWireRecords): KinesisRecordBytes[] {
  const count = wire.sizes.length;
  if (wire.arrivals.length !== count) throw new Error('kinesis batch: arrivals and sizes differ in length');
  const total = wire.sizes.reduce((a, b) => a + b, 0);
  const data = inflateRawSync(Buffer.from(wire.data, 'base64'), { maxOutputLength: Math.max(1, total) });
  if (data.length !== total) throw new Error('kinesis batch: payload bytes do not match the record sizes');
  const seqs =
    count === 0 ? [] : inflateRawSync(Buffer.from(wire.seqs, 'base64')).toString('latin1').split(',');
  if (seqs.length !== count) throw new Error('kinesis batch: sequence numbers and sizes differ in length');
  const out = new Array<KinesisRecordBytes>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const size = wire.sizes[i]!;
    out[i] = { seq: seqs[i]!, arrivalMs: wire.arrivals[i]!, data: data.subarray(offset, offset + size) };
    offset += size;
  }
  return out;
}
