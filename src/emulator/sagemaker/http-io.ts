import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EmulatorError, validationError } from './errors.js';

/** Reads the whole body as UTF-8. Beyond `limitBytes` it keeps draining (so the client sees a response) and throws. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limitBytes) chunks.push(chunk);
  }
  if (size > limitBytes) throw validationError(`Request body is larger than ${limitBytes} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; an empty body is `{}` (what the SDK sends for operations without a payload). */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw validationError('Request body is not valid JSON');
  }
}

/**
 * Sends `body` as JSON, or an empty body when undefined (PutRecord, DeleteRecord). Returns false when the
 * connection was already gone (the emulator went down mid-request).
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): boolean {
  if (res.destroyed || res.headersSent) return false;
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
  return true;
}

/** AWS REST-JSON error: status, `x-amzn-errortype` header and `{"Message": ...}`; the SDK names the error after the header. */
export function sendError(res: ServerResponse, error: EmulatorError): boolean {
  return sendJson(res, error.status, { Message: error.message }, { 'x-amzn-errortype': error.type });
}
