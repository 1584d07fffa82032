/**
 * Duration strings (docs/semantics.md#feature-views): `^[1-9][0-9]*(ms|s|m|h|d)$`, e.g. `500ms`, `10s`, `5m`, `1h`, `7d`.
 * One unit per string; no fractions, no zero, no spaces. Values are milliseconds.
 */

/** The grammar as a JSON-Schema `pattern` (shared with the HTTP schemas). */
export const DURATION_PATTERN = '^[1-9][0-9]*(ms|s|m|h|d)$';

const DURATION = /^([1-9][0-9]*)(ms|s|m|h|d)$/;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** Largest unit first: `formatDuration` picks the first that divides exactly. */
const UNITS_DESCENDING: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

/**
 * Milliseconds of a duration string, or `undefined` when the text does not match the grammar or the value is not
 * a safe integer number of milliseconds (so `99999999999999999d` is rejected rather than rounded).
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as Unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * The shortest exact duration string for a positive whole number of milliseconds: `300000` -> `5m`,
 * `1500` -> `1500ms`, `90000` -> `90s`. `parseDuration(formatDuration(ms)) === ms` for every valid `ms`.
 * @throws RangeError when `ms` is not a positive safe integer.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`not a positive whole number of ms: ${ms}`);
  for (const unit of UNITS_DESCENDING) {
    const size = UNIT_MS[unit];
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`; // unreachable: the 'ms' unit divides every integer
}
