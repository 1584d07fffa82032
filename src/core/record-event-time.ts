/**
 * The event time of a producer record (see `decode-record.ts`): epoch ms as a JSON number, or an ISO-8601
 * date-time with a zone; both within years 0000..9999.
 */

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const MIN_TIME = -62_167_219_200_000;
const MAX_TIME = 253_402_300_799_999;
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Epoch ms of a JSON event time (see the module comment), or undefined when it is not one. */
export function parseRecordEventTime(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isFinite(value) ? Math.floor(value) : undefined;
  else if (typeof value === 'string') ms = parseIsoInstant(value);
  return ms !== undefined && ms >= MIN_TIME && ms <= MAX_TIME ? ms : undefined;
}

/**
 * Epoch ms of an ISO-8601 date-time with a zone (`2024-05-01T12:00:00.123+02:00`), or undefined when the text has
 * no zone, does not match, or names a date or time that does not exist (`02-30`, `24:00`, `:60`).
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', z, sign, oh, om = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (z === undefined) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return undefined;
    offsetMin = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const millis = Number(frac.slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // Date.UTC would map years 0..99 to 1900..1999
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMin * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
