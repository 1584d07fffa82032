/**
 * Stable error codes. The core knows no HTTP: each boundary maps a code to its own form (src/http/problem.ts maps
 * codes to statuses). Codes never change meaning once released.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVALID_FEATURE_VIEW: 'INVALID_FEATURE_VIEW',
  /** A transform expression does not compile or has the wrong type; `details.position` says where. */
  INVALID_EXPRESSION: 'INVALID_EXPRESSION',
  FEATURE_VIEW_NOT_FOUND: 'FEATURE_VIEW_NOT_FOUND',
  FEATURE_VIEW_EXISTS: 'FEATURE_VIEW_EXISTS',
  VERSION_NOT_FOUND: 'VERSION_NOT_FOUND',
  UNKNOWN_FEATURE: 'UNKNOWN_FEATURE',
  /** The view retains no raw events of the requested field (no count window reads it). */
  EVENTS_NOT_RETAINED: 'EVENTS_NOT_RETAINED',
  INVALID_AS_OF: 'INVALID_AS_OF',
  DEAD_LETTER_NOT_FOUND: 'DEAD_LETTER_NOT_FOUND',
  SINK_NOT_CONFIGURED: 'SINK_NOT_CONFIGURED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** An online read would decode more retained events than one read may (services/read-cost.ts). */
  READ_TOO_LARGE: 'READ_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  /** Historical features: a spine row is not valid (the job fails with its line number). */
  INVALID_SPINE: 'INVALID_SPINE',
  /** Historical features: no such upload (never stored, or expired). */
  UPLOAD_NOT_FOUND: 'UPLOAD_NOT_FOUND',
  /** Historical features: no such job (never started, or expired with its result). */
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  /** Historical features: the job has no published result (still running, failed or cancelled). */
  RESULT_NOT_READY: 'RESULT_NOT_READY',
  /** Historical features: the job needs more memory than its bound allows even when partitioned. */
  JOB_TOO_LARGE: 'JOB_TOO_LARGE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TIMEOUT: 'TIMEOUT',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error the caller can act on. `field` is a JSON pointer-ish path (`/features/2/window`) when one field is at fault. */
export class EddyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'EddyError';
  }
}

export const invalidView = (field: string, message: string) =>
  new EddyError(ErrorCode.INVALID_FEATURE_VIEW, message, field);
export const viewNotFound = (name: string) =>
  new EddyError(ErrorCode.FEATURE_VIEW_NOT_FOUND, `feature view '${name}' does not exist`);
