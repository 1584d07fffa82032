/**
 * Pushed events as a push-lane job carries them: columns. The entities and event ids as arrays of strings, the
 * event times and every field's values as the bytes of one Float64Array each, base64. Written one object per
 * event (`{e, t, i, v: {field: value}}`), a job of 10,000 sensor readings was about 1 MB of JSON and 20,000
 * objects to build on each side, and most of its cost was printing and parsing doubles; as columns it is about
 * 470 KB, a handful of strings, and every number crosses bit for bit (`npm run bench` measures push ingestion).
 *
 * Jobs queued by earlier versions carry `events` (one object per event); `forEachPushEvent` reads both forms.
 *
 * Contract: `forEachPushEvent({columns: encodePushEvents(events, fields)})` visits the same events in order (entity,
 * time, id, and the values of `fields` each event has), and columns that disagree in length are refused, never
 * applied shifted. A value is never NaN (records carry finite numbers only), so NaN marks a field an event lacks;
 * an event id is never empty, so '' marks an event without one.
 */
import type { EngineEvent } from '../../core/event.js';
import type { PushEvent, PushEventColumns } from '../../ports/push-lanes.js';

/** The events of one job, as columns. */
export interface PushWireColumns {
  /** Entity of every event. */
  entities: string[];
  /** Event time of every event (epoch ms): a Float64Array's bytes, base64. */
  times: string;
  /** Event id of every event, '' for none; absent when no event of the job has one. */
  ids?: string[];
  /** The view's fields that some event of the job has, in the order of `values`. */
  fields: string[];
  /** Per field, its value in every event (NaN where the event lacks it): a Float64Array's bytes, base64. */
  values: string[];
}

/** One pushed event in the form of earlier versions' jobs (still read). */
export interface LegacyWireEvent {
  /** entity */
  e: string;
  /** event time, epoch ms */
  t: number;
  /** event id */
  i?: string;
  /** field values */
  v: Record<string, number>;
}

/** The events of a push-lane job, in one of the two forms. */
export interface PushWireEvents {
  columns?: PushWireColumns;
  events?: LegacyWireEvent[];
}

const toBase64 = (numbers: Float64Array) =>
  Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength).toString('base64');

/** `fields`: the view's fields; only those that some event has get a column. */
export function encodePushEvents(events: readonly PushEvent[], fields: readonly string[]): PushWireColumns {
  const count = events.length;
  const present = fields.filter((field) => events.some(({ event }) => Object.hasOwn(event.values, field)));
  const entities = new Array<string>(count);
  const times = new Float64Array(count);
  const values = present.map(() => new Float64Array(count));
  let ids: string[] | undefined;
  for (let k = 0; k < count; k++) {
    const { entity, event } = events[k]!;
    entities[k] = entity;
    times[k] = event.t;
    for (let j = 0; j < present.length; j++) values[j]![k] = event.values[present[j]!] ?? Number.NaN;
    if (event.id !== undefined) {
      ids ??= new Array<string>(count).fill('');
      ids[k] = event.id;
    }
  }
  const columns: PushWireColumns = {
    entities,
    times: toBase64(times),
    fields: present,
    values: values.map(toBase64),
  };
  if (ids) columns.ids = ids;
  return columns;
}

/** The job's data without its events (drop-applied-records.ts): it reads as a job of no events. */
export function withoutEvents<T extends PushWireEvents>(wire: T): T {
  const { columns: _columns, events: _events, ...rest } = wire;
  return { ...rest, events: [] } as unknown as T;
}

/** Events in a job, without decoding them. */
export const pushEventCount = (wire: PushWireEvents): number =>
  wire.columns ? wire.columns.entities.length : (wire.events?.length ?? 0);

/**
 * The job's events as columns. Throws when the columns disagree in length or a payload is not a whole number of
 * doubles: nothing of such a job is ever applied shifted.
 */
export function decodePushEvents(wire: PushWireEvents): PushEventColumns {
  if (!wire.columns) {
    const events = wire.events ?? [];
    return {
      entities: events.map((w) => w.e),
      eventAt(k) {
        const w = events[k]!;
        return w.i === undefined ? { t: w.t, values: w.v } : { t: w.t, id: w.i, values: w.v };
      },
    };
  }
  const { entities, ids, fields } = wire.columns;
  const count = entities.length;
  const times = doubles(wire.columns.times, count, 'times');
  if (fields.length !== wire.columns.values.length)
    throw new Error('push batch: fields and value columns differ in number');
  const values = wire.columns.values.map((column, j) => doubles(column, count, `values of '${fields[j]}'`));
  if (ids && ids.length !== count) throw new Error('push batch: event ids and entities differ in length');
  return {
    entities,
    eventAt(k) {
      const record: Record<string, number> = {};
      for (let j = 0; j < fields.length; j++) {
        const v = values[j]![k]!;
        if (!Number.isNaN(v)) record[fields[j]!] = v;
      }
      const id = ids?.[k];
      return id ? { t: times[k]!, id, values: record } : { t: times[k]!, values: record };
    },
  };
}

/**
 * Calls `visit` with every event of the job, in order; `event` is a new object each time (the visitor may keep
 * it). Throws, before any visit, when the columns disagree in length or a payload is not a whole number of
 * doubles.
 */
export function forEachPushEvent(
  wire: PushWireEvents,
  visit: (entity: string, event: EngineEvent) => void,
): void {
  const columns = decodePushEvents(wire);
  for (let k = 0; k < columns.entities.length; k++) visit(columns.entities[k]!, columns.eventAt(k));
}

function doubles(base64: string, count: number, what: string): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== count * Float64Array.BYTES_PER_ELEMENT)
    throw new Error(`push batch: ${what} hold ${bytes.length} bytes, ${count} doubles expected`);
  // A copy aligned to 8 bytes (a pooled Buffer's offset need not be).
  const out = new Float64Array(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
