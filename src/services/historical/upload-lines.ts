/**
 * Splits a streamed upload body into lines (LF or CRLF; blank lines skipped), with limits: at most `maxBytes` in
 * all and `maxLineBytes` per line. Batches of lines go to storage as they fill, so memory holds one batch.
 */
import { EddyError, ErrorCode } from '../../core/errors.js';

export interface UploadLimits {
  maxBytes: number;
  maxLineBytes: number;
}

const BATCH_LINES = 5000;

export async function* uploadLines(
  body: AsyncIterable<Buffer | string>,
  limits: UploadLimits,
): AsyncIterable<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let rest = '';
  let batch: string[] = [];
  const take = (line: string) => {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean.trim() !== '') batch.push(clean);
  };
  for await (const part of body) {
    const buf = typeof part === 'string' ? Buffer.from(part) : part;
    bytes += buf.length;
    if (bytes > limits.maxBytes) {
      throw new EddyError(ErrorCode.PAYLOAD_TOO_LARGE, `an upload may hold at most ${limits.maxBytes} bytes`);
    }
    let text: string;
    try {
      text = rest + decoder.decode(buf, { stream: true });
    } catch {
      throw new EddyError(ErrorCode.VALIDATION_FAILED, 'the upload is not valid UTF-8');
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (rest.length > limits.maxLineBytes) {
      throw new EddyError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `a line may hold at most ${limits.maxLineBytes} bytes`,
      );
    }
    if (batch.length >= BATCH_LINES) {
      yield batch;
      batch = [];
    }
  }
  take(rest + decoder.decode());
  if (batch.length > 0) yield batch;
}
