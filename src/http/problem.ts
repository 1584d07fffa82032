/**
 * The one HTTP error mapper: every error becomes `application/problem+json` (RFC 9457) with a stable `code`.
 * 5xx details are never sent (no stack traces, no internal messages).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EddyError, type ErrorCode } from '../core/errors.js';
import { isConnectionError } from '../services/retry-in-place.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_FEATURE_VIEW: 400,
  INVALID_EXPRESSION: 400,
  INVALID_AS_OF: 400,
  UNKNOWN_FEATURE: 400,
  EVENTS_NOT_RETAINED: 400,
  FEATURE_VIEW_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  DEAD_LETTER_NOT_FOUND: 404,
  SINK_NOT_CONFIGURED: 404,
  NOT_FOUND: 404,
  INVALID_SPINE: 400,
  UPLOAD_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  RESULT_NOT_READY: 409,
  JOB_TOO_LARGE: 413,
  FEATURE_VIEW_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  READ_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  /** JSON pointer of the offending input, when one field is at fault. */
  field?: string;
  [extension: string]: unknown;
}

export function problem(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}): Problem {
  const status = STATUS[code];
  return {
    type: `urn:eddy:problem:${code.toLowerCase()}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Problem) {
  return reply
    .code(p.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...p, instance: request.url.split('?')[0] });
}

/** Maps Fastify's own errors (validation, body size, content type) and ours to a Problem. */
export function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof EddyError) {
    // Definition errors point into the definition; over HTTP the definition is the request body.
    const field =
      err.field && (err.code === 'INVALID_FEATURE_VIEW' || err.code === 'INVALID_EXPRESSION')
        ? `/body${err.field}`
        : err.field;
    return problem(err.code, err.message, { ...(field ? { field } : {}), ...(err.details ?? {}) });
  }
  const fe = err as FastifyError;
  if (fe.validation) return validationProblem(fe.validation, fe.validationContext ?? 'body');
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('PAYLOAD_TOO_LARGE', 'request body is larger than this route accepts');
    // @fastify/multipart: a file or the number of parts beyond the route's limits.
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return problem('PAYLOAD_TOO_LARGE', 'the multipart body is larger than this route accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem('VALIDATION_FAILED', 'request body is not valid JSON', { field: '/body' });
  }
  if (fe.statusCode === 429) return problem('RATE_LIMITED', 'rate limit exceeded');
  // Redis unreachable or failing over: nothing was promised, the client may retry.
  if (isConnectionError(err)) return problem('UNAVAILABLE', 'the store is unavailable; retry');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe instanceof SyntaxError)
      return problem('VALIDATION_FAILED', 'request body is not valid JSON', { field: '/body' });
    return problem('VALIDATION_FAILED', fe.message);
  }
  return problem('INTERNAL', 'an internal error occurred; it has been logged');
}

/**
 * A schema validation failure: `field` points at the first offending input (the missing or unknown property
 * itself when that is the fault), `errors` lists up to 20 of them.
 */
function validationProblem(validation: NonNullable<FastifyError['validation']>, where: string): Problem {
  const first = validation[0];
  const pointer = first?.instancePath ?? '';
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  const field = `/${where}${pointer}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`;
  const message = extra ? `unknown property '${extra}'` : (first?.message ?? 'is invalid');
  return problem('VALIDATION_FAILED', `${field} ${message}`, {
    field,
    errors: validation.slice(0, 20).map((v) => ({ field: `/${where}${v.instancePath}`, message: v.message })),
  });
}
