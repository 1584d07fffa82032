import type { EventTimeFeatureType, TtlDuration, TtlUnit } from './feature-group.js';

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;
const FRACTIONAL_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Parses the value of a feature group's EventTime feature to epoch milliseconds (UTC; fractional for sub-millisecond Unix seconds), or undefined
 * when it is not in a format AWS accepts for the type. Impossible dates (2024-02-30) are rejected.
 */
export function parseEventTimeFeature(value: string, type: EventTimeFeatureType): number | undefined {
  if (type === 'Fractional') {
    if (!FRACTIONAL_SECONDS.test(value)) return undefined;
    const ms = Number(value) * 1000;
    return Number.isFinite(ms) ? ms : undefined;
  }
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, frac] = m.slice(1).map((part) => Number(part ?? 0)) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, frac!);
  const date = new Date(ms);
  const exact =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return exact ? ms : undefined;
}

const UNIT_MS: Record<TtlUnit, number> = {
  Seconds: 1_000,
  Minutes: 60_000,
  Hours: 3_600_000,
  Days: 86_400_000,
  Weeks: 604_800_000,
};

export const ttlMs = (ttl: TtlDuration): number => ttl.Value * UNIT_MS[ttl.Unit];
