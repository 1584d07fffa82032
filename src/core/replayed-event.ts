/**
 * The event a dead-lettered push record had become when its batch failed (the record decoded, and transformed,
 * once already): a replay queues this event as it is. Decoding the stored record again would run the view's
 * transform on its flat form and lose `approx_count_distinct` strings, which events carry as tokens
 * (distinct-token.ts). Stored letters are checked before use, as anything read back from storage is.
 */
import { MAX_ID_LENGTH } from './decode-record.js';
import type { EngineEvent } from './event.js';
import { describe, type Rejected, reject } from './reject.js';

export interface StoredEvent {
  entity: string;
  event: EngineEvent;
}

export type CheckedEvent = { ok: true; events: StoredEvent[]; filtered: 0 } | Rejected;

/** The stored form of an event: `{entity, t, id?, values}`. */
export const storedEventOf = (entity: string, event: EngineEvent) => ({ entity, ...event });

/** A stored event checked and rebuilt, as the one event of its record, or why it cannot be queued. */
export function checkStoredEvent(stored: unknown): CheckedEvent {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return reject('NOT_AN_OBJECT', `stored event is ${describe(stored)}, not an object`);
  }
  const { entity, t, id, values } = stored as Record<string, unknown>;
  if (typeof entity !== 'string' || entity.length === 0 || entity.length > MAX_ID_LENGTH) {
    return reject('ENTITY_KEY_INVALID', `stored event's entity is ${describe(entity)}`);
  }
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    return reject('EVENT_TIME_INVALID', `stored event's time is ${describe(t)}`);
  }
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)) {
    return reject('EVENT_ID_INVALID', `stored event's id is ${describe(id)}`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    return reject('NOT_AN_OBJECT', `stored event's values are ${describe(values)}`);
  }
  const checked: Record<string, number> = {};
  for (const [field, value] of Object.entries(values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return reject(
        'FIELD_NOT_A_NUMBER',
        `stored event's field '${field.slice(0, 64)}' is ${describe(value)}`,
      );
    }
    // Defined, not assigned: a field named __proto__ stays data.
    Object.defineProperty(checked, field, { value, enumerable: true, writable: true, configurable: true });
  }
  const event: EngineEvent = id === undefined ? { t, values: checked } : { t, id, values: checked };
  return { ok: true, events: [{ entity, event }], filtered: 0 };
}
