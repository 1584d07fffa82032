/**
 * Source sequence numbers: non-negative decimal integers as strings without leading zeros (Kinesis sequence
 * numbers have up to 128 digits; push lanes use BullMQ job numbers). Compared by length, then lexicographically,
 * which equals BigInt order and never loses precision.
 */
export function compareSeq(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sequence "before everything": no record has it. */
export const SEQ_NONE = '';

export function isSeq(value: string): boolean {
  return /^(0|[1-9][0-9]{0,127})$/.test(value);
}
