/**
 * The records of a Kinesis Data Firehose HTTP endpoint delivery, pure. Each Firehose record's `data` (base64)
 * holds UTF-8 text that is either one JSON value (possibly spread over several lines) or newline-delimited JSON,
 * one value per non-blank line. The records come out flattened in delivery order, each either a parsed value
 * (decoded further by core/decode-record.ts like any pushed record) or a reject that becomes a dead letter, so
 * the position of every record in a delivery is fixed by the delivery itself: a retried delivery yields the same
 * list.
 */
import { decodeJsonBytes, parseJsonText } from './decode-json.js';
import { type Rejected, reject } from './reject.js';

/** Strict base64 (what Firehose sends): the alphabet, padded to a multiple of 4. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface FirehoseRecords {
  /** Every record's value in delivery order; a rejected record holds what is kept as its dead letter's record. */
  records: unknown[];
  /** The rejected records by position in `records`. */
  rejected: Map<number, Rejected>;
}

/** Splits and parses the `data` of each Firehose record; never throws on content. */
export function firehoseRecords(data: readonly string[]): FirehoseRecords {
  const records: unknown[] = [];
  const rejected = new Map<number, Rejected>();
  const add = (value: unknown, failure?: Rejected) => {
    if (failure) rejected.set(records.length, failure);
    records.push(value);
  };
  for (const encoded of data) {
    if (!BASE64.test(encoded)) {
      add(encoded.slice(0, 64), reject('INVALID_JSON', 'record data is not base64'));
      continue;
    }
    const bytes = Buffer.from(encoded, 'base64');
    const whole = decodeJsonBytes(bytes);
    if (whole.ok) {
      add(whole.value);
      continue;
    }
    if (whole.code === 'INVALID_UTF8') {
      add(encoded, whole); // kept as base64, like any payload that is not UTF-8
      continue;
    }
    // Not one JSON value: newline-delimited JSON, one value per non-blank line.
    const lines = bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/);
    for (const line of lines) {
      if (line.trim() === '') continue;
      const parsed = parseJsonText(line);
      if (parsed.ok) add(parsed.value);
      else add(line, parsed);
    }
  }
  return { records, rejected };
}
