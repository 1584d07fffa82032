/**
 * A view's `transform` block (docs/semantics.md#transforms): checked and compiled once per view version, at
 * registration and when a version is first used, never per record. A failure is an `EddyError`
 * INVALID_EXPRESSION whose `field` is the JSON pointer of the expression and whose `details.position` is the
 * 0-based offset in it.
 */
import { EddyError, ErrorCode } from '../errors.js';
import { type CelProgram, compileCel, isCompileError, MAX_EXPRESSION_LENGTH } from './cel.js';

/** What a client sends: CEL expressions, each at most MAX_EXPRESSION_LENGTH characters. */
export interface TransformSpec {
  /** A list; every element becomes an event, available to the other expressions as `item`. */
  each?: string;
  /** A bool; false skips the event (counted as filtered). */
  filter?: string;
  /** Derived fields by name; the view reads them like top-level record fields (a derived field wins). */
  fields?: Record<string, string>;
}

export interface CompiledTransform {
  each?: CelProgram;
  filter?: CelProgram;
  /** Derived fields in definition order. */
  fields: readonly { name: string; program: CelProgram }[];
}

export const MAX_DERIVED_FIELDS = 32;
/** Derived field names: they stand where a record field name would, so the same length limit applies. */
export const DERIVED_FIELD_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,127}$';
const DERIVED_FIELD = new RegExp(DERIVED_FIELD_PATTERN);

/** Result types an expression may have where the checker knows them (`dyn` is always allowed). */
const RESULT_TYPES = {
  each: (type: string) => type.startsWith('list'),
  filter: (type: string) => type === 'bool',
  field: (type: string) =>
    ['int', 'uint', 'double', 'string', 'google.protobuf.Timestamp', 'null'].includes(type),
};
const EXPECTED = { each: 'a list', filter: 'a bool', field: 'a number, a string or a timestamp' };

/**
 * Checks and compiles `spec` (which may be unvalidated input).
 * @throws EddyError INVALID_EXPRESSION naming the first offending expression, or INVALID_FEATURE_VIEW for the shape.
 */
export function compileTransform(spec: TransformSpec): CompiledTransform {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw shapeError('/transform', 'must be an object with each, filter and fields');
  }
  const compiled: CompiledTransform = { fields: [] };
  if (spec.each !== undefined) compiled.each = compileOne('/transform/each', spec.each, 'each');
  if (spec.filter !== undefined) compiled.filter = compileOne('/transform/filter', spec.filter, 'filter');
  if (spec.fields !== undefined) {
    if (typeof spec.fields !== 'object' || spec.fields === null || Array.isArray(spec.fields)) {
      throw shapeError('/transform/fields', 'must be an object of field names to expressions');
    }
    const entries = Object.entries(spec.fields);
    if (entries.length > MAX_DERIVED_FIELDS) {
      throw shapeError('/transform/fields', `at most ${MAX_DERIVED_FIELDS} derived fields`);
    }
    compiled.fields = entries.map(([name, source]) => {
      const pointer = `/transform/fields/${escapePointer(name)}`;
      if (!DERIVED_FIELD.test(name))
        throw shapeError(pointer, `field name must match ${DERIVED_FIELD_PATTERN}`);
      return { name, program: compileOne(pointer, source, 'field') };
    });
  }
  return compiled;
}

function compileOne(pointer: string, source: unknown, role: keyof typeof RESULT_TYPES): CelProgram {
  if (typeof source !== 'string' || source.trim().length === 0) {
    throw shapeError(pointer, `must be a CEL expression of 1 to ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const program = compileCel(source);
  if (isCompileError(program)) throw expressionError(pointer, program.message, program.position);
  const type = program.resultType;
  if (type !== 'dyn' && !RESULT_TYPES[role](type)) {
    throw expressionError(pointer, `the expression yields ${type}; it must yield ${EXPECTED[role]}`, 0);
  }
  return program;
}

function expressionError(pointer: string, message: string, position: number): EddyError {
  return new EddyError(
    ErrorCode.INVALID_EXPRESSION,
    `${pointer}: ${message} (at position ${position})`,
    pointer,
    { position },
  );
}

const shapeError = (pointer: string, message: string) =>
  new EddyError(ErrorCode.INVALID_FEATURE_VIEW, `${pointer}: ${message}`, pointer);

/** RFC 6901: `~` and `/` in a key. */
const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
