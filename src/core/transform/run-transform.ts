/**
 * Runs a compiled transform on one record (docs/semantics.md#transforms): `each` splits it into elements, `filter`
 * skips some, `fields` derives values. The result is one flat record per kept event holding just the keys the
 * view reads (derived fields first, then the record's own top-level fields), ready for decode-record.ts.
 *
 * A record is transformed whole or not at all: any failure (an error in an expression, a list longer than
 * MAX_EACH_ELEMENTS, a non-finite number, a filter that is not a bool) rejects the record with TRANSFORM_FAILED,
 * so a dead letter always holds the whole record and a replay re-runs all of it.
 */
import { describe, type Rejected, reject, truncate } from '../reject.js';
import { evaluationMessage } from './cel.js';
import type { CompiledTransform } from './compile-transform.js';

export const MAX_EACH_ELEMENTS = 1_000;

/** The record keys a view reads, and which of them names the event id (for per-element ids). */
export interface ReadKeys {
  keys: readonly string[];
  eventIdField?: string;
}

/** A view's compiled transform with the keys its view reads. */
export interface ViewTransform extends CompiledTransform {
  read: ReadKeys;
}

export type TransformedRecord =
  | { ok: true; events: Record<string, unknown>[]; filtered: number }
  | Rejected<'TRANSFORM_FAILED'>;

/** Where an evaluation failed, for the reason. */
type Step = 'each' | 'filter' | string;

export function runTransform(transform: ViewTransform, record: Record<string, unknown>): TransformedRecord {
  const { read } = transform;
  const variables: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(record)) variables[key] = record[key];
  variables.record = record;

  let elements: readonly unknown[] | undefined;
  if (transform.each) {
    const list = evaluate(transform.each.evaluate, variables, 'each');
    if (!list.ok) return list;
    if (!Array.isArray(list.value)) return failed('each', `must yield a list, got ${describe(list.value)}`);
    if (list.value.length > MAX_EACH_ELEMENTS) {
      return failed('each', `yields ${list.value.length} elements; at most ${MAX_EACH_ELEMENTS} are allowed`);
    }
    elements = list.value;
  }

  const events: Record<string, unknown>[] = [];
  let filtered = 0;
  const count = elements ? elements.length : 1;
  for (let index = 0; index < count; index++) {
    if (elements) variables.item = elements[index];
    if (transform.filter) {
      const keep = evaluate(transform.filter.evaluate, variables, 'filter');
      if (!keep.ok) return keep;
      if (typeof keep.value !== 'boolean')
        return failed('filter', `must yield a bool, got ${describe(keep.value)}`);
      if (!keep.value) {
        filtered++;
        continue;
      }
    }
    const derived: Record<string, unknown> = Object.create(null);
    for (const { name, program } of transform.fields) {
      const result = evaluate(program.evaluate, variables, `field '${name}'`);
      if (!result.ok) return result;
      const value = plainValue(result.value);
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return failed(`field '${name}'`, `yields ${value}, not a finite number`);
      }
      derived[name] = value;
    }
    events.push(flatRecord(record, derived, read, elements ? index : undefined));
  }
  return { ok: true, events, filtered };
}

/** The keys the view reads, each from the derived fields or else from the record. */
function flatRecord(
  record: Record<string, unknown>,
  derived: Record<string, unknown>,
  read: ReadKeys,
  element: number | undefined,
): Record<string, unknown> {
  const flat: Record<string, unknown> = Object.create(null);
  for (const key of read.keys) {
    if (key in derived) flat[key] = derived[key];
    else if (Object.hasOwn(record, key)) flat[key] = record[key];
  }
  // One record's elements share its own id: each element gets `<id>#<index>`, so a re-sent record is still a
  // duplicate and its elements are not duplicates of each other.
  const idField = read.eventIdField;
  if (element !== undefined && idField !== undefined && !(idField in derived)) {
    const id = flat[idField];
    if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))
      flat[idField] = `${id}#${element}`;
  }
  return flat;
}

function evaluate(
  run: (variables: Record<string, unknown>) => unknown,
  variables: Record<string, unknown>,
  step: Step,
): { ok: true; value: unknown } | Rejected<'TRANSFORM_FAILED'> {
  try {
    return { ok: true, value: run(variables) };
  } catch (err) {
    return failed(step, evaluationMessage(err));
  }
}

/** CEL values as the decoder reads them: ints (BigInt) and uints as numbers, timestamps as epoch ms. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'object' && value !== null && typeof value.valueOf() === 'bigint') {
    return Number(value.valueOf());
  }
  return value;
}

const failed = (step: Step, message: string) =>
  reject('TRANSFORM_FAILED', `transform ${step}: ${truncate(message, 200)}`);
