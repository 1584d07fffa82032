/**
 * Record decoding (docs/semantics.md, bad records): turns one producer record into the entity id and the engine's
 * event, or a stable reject code with a human-readable reason. Pure; no record is ever echoed beyond ~64
 * characters, so reasons are safe to log and to return to clients.
 *
 * Choices where the contract is silent:
 * - Field names (entity key, event time, event id, features) are top-level keys, read only as own properties.
 * - Entity id: a non-empty string of at most 256 UTF-16 code units (JS `length`), or a finite number, used as its
 *   JS decimal string (`String(n)`: `7` -> "7", `1.5` -> "1.5"). Strings with unpaired surrogates are rejected
 *   (they cannot be encoded to UTF-8 without colliding). `null` counts as missing, `""` as missing too.
 * - Event time: a finite JSON number of epoch ms (fractions are floored: tiles floor anyway), or an ISO-8601 string
 *   `YYYY-MM-DDThh:mm[:ss[.fff…]]` with `Z` or an offset `±hh:mm`/`±hhmm`/`±hh` (`T` may be `t` or a space;
 *   sub-millisecond digits are truncated). Both forms must fall in years 0000..9999 (so the time can always be
 *   written as ISO-8601; `record-event-time.ts`). A record without the event-time field is rejected rather than given its arrival time.
 * - Feature fields: `null` and absent mean absent; any other non-number (including numeric strings) is rejected,
 *   and so is a number beyond ±MAX_FIELD_MAGNITUDE (FIELD_OUT_OF_RANGE). A string is valid in a field read only
 *   by `approx_count_distinct` (`view.stringFields`): it becomes its token (distinct-token.ts).
 * - Keys are read as own properties only: `__proto__`, `constructor` or any other key the view does not read is
 *   ignored.
 * - Event id: a non-empty string of at most 256 code units without unpaired surrogates, or a finite number
 *   (stringified like the entity id); `null`/absent mean no id; anything else is rejected.
 * - Checks run in a fixed order (object, entity key, event time, feature fields in `view.fields` order, event id);
 *   the first failure is the record's code.
 */

import { distinctToken } from './distinct-token.js';
import type { EngineEvent } from './event.js';
import type { CompiledView } from './feature-view.js';
import { parseRecordEventTime } from './record-event-time.js';
import { describe, type Rejected, reject } from './reject.js';
import { runTransform } from './transform/run-transform.js';

export type DecodedRecord = { ok: true; entity: string; event: EngineEvent } | Rejected;
/** A record's events (several with a transform's `each`, none when all are filtered), or why it is rejected. */
export type DecodedEvents =
  | { ok: true; events: { entity: string; event: EngineEvent }[]; filtered: number }
  | Rejected;
/** Entity ids and event ids: at most this many UTF-16 code units. */
export const MAX_ID_LENGTH = 256;
/**
 * Largest feature value magnitude. Sums, squared deviations and their merges over any feasible number of values
 * (below 1e100 of them) then stay finite, so a non-empty window never finalizes to Infinity or NaN.
 */
export const MAX_FIELD_MAGNITUDE = 1e100;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Every record that enters Eddy (push, Kinesis, dead-letter replay) is decoded here: the view's transform, when it
 * has one, turns the record into flat records (core/transform/run-transform.ts), and each is decoded as below. A
 * record is accepted whole or rejected whole: the first failing event rejects it.
 */
export function decodeRecordEvents(view: CompiledView, raw: unknown, arrivalMs: number): DecodedEvents {
  if (view.transform === undefined) {
    const decoded = decodeRecord(view, raw, arrivalMs);
    return decoded.ok ? { ok: true, events: [decoded], filtered: 0 } : decoded;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('NOT_AN_OBJECT', `record is ${describe(raw)}, not a JSON object`);
  }
  const transformed = runTransform(view.transform, raw as Record<string, unknown>);
  if (!transformed.ok) return transformed;
  const events: { entity: string; event: EngineEvent }[] = [];
  for (const flat of transformed.events) {
    const decoded = decodeRecord(view, flat, arrivalMs);
    if (!decoded.ok) return decoded;
    events.push(decoded);
  }
  return { ok: true, events, filtered: transformed.filtered };
}

/**
 * Decodes one parsed record for `view`, as it comes (without the view's transform). `arrivalMs` (epoch ms) is the event time when the view has no
 * `eventTimeField`. Only the view's fields end up in `event.values`. Checks run in the order of the module comment.
 */
export function decodeRecord(view: CompiledView, raw: unknown, arrivalMs: number): DecodedRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('NOT_AN_OBJECT', `record is ${describe(raw)}, not a JSON object`);
  }
  const record = raw as Record<string, unknown>;
  const entity = decodeEntity(view.entityKey, own(record, view.entityKey));
  if (typeof entity !== 'string') return entity;
  const t = view.eventTimeField === undefined ? arrivalMs : decodeEventTime(view.eventTimeField, record);
  if (typeof t !== 'number') return t;
  const values: Record<string, number> = {};
  const badField = decodeFields(view.fields, record, values, view.stringFields);
  if (badField !== undefined) return badField;
  const event: EngineEvent = { t, values };
  if (view.eventIdField !== undefined) {
    const id = decodeEventId(view.eventIdField, own(record, view.eventIdField));
    if (typeof id === 'object') return id;
    if (id !== undefined) event.id = id;
  }
  return { ok: true, entity, event };
}

/** The entity id: a non-empty string without unpaired surrogates, or a finite number as its decimal string. */
function decodeEntity(key: string, value: unknown): string | Rejected {
  if (value === undefined || value === null || value === '') {
    return reject('ENTITY_KEY_MISSING', `entity key '${key}' is ${value === '' ? 'empty' : 'missing'}`);
  }
  if (typeof value === 'string') {
    if (value.length > MAX_ID_LENGTH) {
      return reject(
        'ENTITY_KEY_TOO_LONG',
        `entity key '${key}' is ${value.length} characters long; at most ${MAX_ID_LENGTH} are allowed`,
      );
    }
    if (LONE_SURROGATE.test(value)) {
      return reject('ENTITY_KEY_INVALID', `entity key '${key}' contains an unpaired UTF-16 surrogate`);
    }
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return reject(
    'ENTITY_KEY_INVALID',
    `entity key '${key}' must be a string or a number, got ${describe(value)}`,
  );
}

/** The event time (epoch ms) read from `timeField`; a record without it is rejected. */
function decodeEventTime(timeField: string, record: Record<string, unknown>): number | Rejected {
  const timeValue = own(record, timeField);
  if (timeValue === undefined || timeValue === null) {
    return reject('EVENT_TIME_MISSING', `event time field '${timeField}' is missing`);
  }
  const parsed = parseRecordEventTime(timeValue);
  if (parsed === undefined) {
    return reject(
      'EVENT_TIME_INVALID',
      `event time field '${timeField}' must be epoch milliseconds or an ISO-8601 date-time with a zone (years 0000..9999), got ${describe(timeValue)}`,
    );
  }
  return parsed;
}

/** Copies the present feature fields into `values`; the first one that is not an allowed number is the reject. */
function decodeFields(
  fields: readonly string[],
  record: Record<string, unknown>,
  values: Record<string, number>,
  stringFields: readonly string[] | undefined,
): Rejected | undefined {
  for (const field of fields) {
    const value = own(record, field);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && stringFields?.includes(field)) {
      values[field] = distinctToken(value);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return reject('FIELD_NOT_A_NUMBER', `field '${field}' must be a finite number, got ${describe(value)}`);
    }
    if (value > MAX_FIELD_MAGNITUDE || value < -MAX_FIELD_MAGNITUDE) {
      return reject(
        'FIELD_OUT_OF_RANGE',
        `field '${field}' must be between -1e100 and 1e100, got ${describe(value)}`,
      );
    }
    values[field] = value;
  }
  return undefined;
}

/** The event id, undefined when absent (`null` included), or the reject for any other invalid value. */
function decodeEventId(idField: string, idValue: unknown): string | undefined | Rejected {
  if (idValue === undefined || idValue === null) return undefined;
  const id = typeof idValue === 'number' && Number.isFinite(idValue) ? String(idValue) : idValue;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || LONE_SURROGATE.test(id)) {
    return reject(
      'EVENT_ID_INVALID',
      `event id field '${idField}' must be a number or a non-empty string of at most ${MAX_ID_LENGTH} characters, got ${describe(idValue)}`,
    );
  }
  return id;
}

/**
 * The inverse of `decodeRecord`: a record that decodes to `entity` and `event` again (the time as epoch ms). A view
 * without an event-time field takes the time of arrival, so the time is not in the record.
 * A string of an `approx_count_distinct` field is only its token in the event and cannot be restored.
 */
export function recordOf(view: CompiledView, entity: string, event: EngineEvent): Record<string, unknown> {
  const record: Record<string, unknown> = { [view.entityKey]: entity };
  if (view.eventTimeField !== undefined) record[view.eventTimeField] = event.t;
  if (view.eventIdField !== undefined && event.id !== undefined) record[view.eventIdField] = event.id;
  for (const field of view.fields)
    if (Object.hasOwn(event.values, field)) record[field] = event.values[field];
  return record;
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
