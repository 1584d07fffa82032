/**
 * Why a record is rejected: a stable code and a human-readable reason that never echoes more than ~64 characters
 * of the record, so reasons are safe to log and to return to clients.
 */

export const REJECT_CODES = [
  'INVALID_UTF8',
  'INVALID_JSON',
  'NOT_AN_OBJECT',
  'ENTITY_KEY_MISSING',
  'ENTITY_KEY_INVALID',
  'ENTITY_KEY_TOO_LONG',
  'EVENT_TIME_MISSING',
  'EVENT_TIME_INVALID',
  'FIELD_NOT_A_NUMBER',
  'EVENT_ID_INVALID',
  'FIELD_OUT_OF_RANGE',
  'TRANSFORM_FAILED',
] as const;
/** Stable machine-readable reasons a record is rejected; they never change meaning once released. */
export type RejectCode = (typeof REJECT_CODES)[number];

export type Rejected<C extends RejectCode = RejectCode> = { ok: false; code: C; reason: string };
/** Echoed values in reasons are cut to this many characters. */
export const ECHO_LENGTH = 64;

export const reject = <C extends RejectCode>(code: C, reason: string): Rejected<C> => ({
  ok: false,
  code,
  reason,
});

/** A short description of a value for a reason: its type, and for primitives the value cut to ~64 characters. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${truncate(JSON.stringify(value), ECHO_LENGTH)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
  return `${text.slice(0, end)}…`;
}
