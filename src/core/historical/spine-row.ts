/**
 * A spine row (docs/semantics.md#point-in-time-training-data): `entity`, `timestamp` (epoch ms or ISO-8601 with a
 * zone) and any other columns, passed through untouched. Column names that the training row itself uses (entity,
 * timestamp, the selected features) are refused rather than silently overwritten.
 */
import { MAX_ID_LENGTH } from '../decode-record.js';
import { parseRecordEventTime } from '../record-event-time.js';

export interface SpineRow {
  entity: string;
  /** Epoch ms (UTC). */
  t: number;
  /** The other columns, as they came (CSV: strings; JSON: any JSON value). */
  columns: Record<string, unknown>;
}

export type ParsedSpineRow = { ok: true; row: SpineRow } | { ok: false; reason: string };

/** Parses one spine row; `reserved` names the training row's own columns (features). */
export function parseSpineRow(raw: unknown, reserved: ReadonlySet<string>): ParsedSpineRow {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'a spine row must be a JSON object' };
  }
  const record = raw as Record<string, unknown>;
  let entity = Object.hasOwn(record, 'entity') ? record.entity : undefined;
  if (typeof entity === 'number' && Number.isFinite(entity)) entity = String(entity);
  if (typeof entity !== 'string' || entity === '' || entity.length > MAX_ID_LENGTH) {
    return {
      ok: false,
      reason: `'entity' must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
    };
  }
  const stamp = Object.hasOwn(record, 'timestamp') ? record.timestamp : undefined;
  const numeric = typeof stamp === 'string' && /^-?\d+$/.test(stamp) ? Number(stamp) : stamp;
  const t = parseRecordEventTime(numeric);
  if (t === undefined) {
    return { ok: false, reason: "'timestamp' must be epoch milliseconds or ISO-8601 with a zone" };
  }
  const columns: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === 'entity' || key === 'timestamp') continue;
    if (reserved.has(key)) return { ok: false, reason: `column '${key}' has the name of a feature` };
    columns[key] = record[key];
  }
  return { ok: true, row: { entity, t, columns } };
}
