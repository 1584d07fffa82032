/** Kinesis payloads to JSON values: UTF-8 (a leading BOM ignored), then JSON; a failure is a reject. */
import { isAscii, isUtf8 } from 'node:buffer';
import { ECHO_LENGTH, type Rejected, reject, truncate } from './reject.js';

export type DecodedJson = { ok: true; value: unknown } | Rejected<'INVALID_UTF8' | 'INVALID_JSON'>;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a Kinesis payload: UTF-8 (a leading BOM is ignored), then JSON. The value may be any JSON value. */
export function decodeJsonBytes(bytes: Uint8Array): DecodedJson {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return reject('INVALID_UTF8', `payload of ${bytes.length} bytes is not valid UTF-8`);
  }
  return parseJsonText(text);
}

/**
 * `decodeJsonBytes` of each of the consecutive payloads in `bytes` (`sizes[i]` bytes each), with the same result
 * for each, for a page of thousands at a lower cost: one ASCII or UTF-8 check of the whole buffer instead of a
 * byte view and a decoder call per payload. A valid whole splits into valid payloads wherever no payload starts
 * or ends inside a character (a UTF-8 continuation byte right after the cut); the others take the one-by-one path.
 */
export function decodeJsonSlices(bytes: Buffer, sizes: readonly number[]): DecodedJson[] {
  const out = new Array<DecodedJson>(sizes.length);
  const ascii = isAscii(bytes);
  const utf8 = ascii || isUtf8(bytes);
  let start = 0;
  for (let i = 0; i < sizes.length; i++) {
    const end = start + sizes[i]!;
    if (ascii) out[i] = parseJsonText(bytes.toString('latin1', start, end));
    else if (utf8 && !isContinuation(bytes, start) && !isContinuation(bytes, end)) {
      const bom =
        end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
      out[i] = parseJsonText(bytes.toString('utf8', bom ? start + 3 : start, end));
    } else out[i] = decodeJsonBytes(bytes.subarray(start, end));
    start = end;
  }
  return out;
}

/** True when the byte at `at` exists and continues a multi-byte UTF-8 character (10xxxxxx). */
const isContinuation = (bytes: Buffer, at: number): boolean =>
  at < bytes.length && (bytes[at]! & 0xc0) === 0x80;

/** Parses JSON text (any JSON value); a failure is an INVALID_JSON reject. */
export function parseJsonText(text: string): DecodedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // V8's message quotes part of the input: cut it like any echoed value.
    const detail = error instanceof Error ? truncate(error.message, 2 * ECHO_LENGTH) : 'parse error';
    return reject('INVALID_JSON', `payload is not valid JSON: ${detail}`);
  }
}
