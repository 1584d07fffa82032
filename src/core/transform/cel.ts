/**
 * The CEL dialect of view transforms (docs/semantics.md#transforms), the only module that knows the CEL library
 * (@marcbachmann/cel-js; docs/decisions.md says why this one).
 *
 * Cost is bounded when an expression is compiled, never per record: at most MAX_EXPRESSION_LENGTH characters,
 * MAX_AST_NODES nodes and MAX_DEPTH levels, and no comprehension (map, filter, all, exists, exists_one) inside
 * another, so one evaluation costs at most (nodes × the length of one list in the record). `matches` is refused:
 * JavaScript regular expressions can backtrack for exponential time on a producer's string.
 *
 * Numbers: JSON numbers are CEL doubles, integer literals are CEL ints, and the four arithmetic operators also
 * accept one of each (the result is a double), so `(item.temp_f - 32) * 5 / 9` reads as a user means it.
 */
import { Environment, EvaluationError, ParseError } from '@marcbachmann/cel-js';

export const MAX_EXPRESSION_LENGTH = 1_000;
export const MAX_AST_NODES = 600;
export const MAX_DEPTH = 32;
const COMPREHENSIONS = new Set(['map', 'filter', 'all', 'exists', 'exists_one']);
const REFUSED_FUNCTIONS: Record<string, string> = {
  matches:
    'regular expressions are not available (they can take exponential time); use contains, startsWith or endsWith',
};

/** A compiled expression: evaluate it with the variables of one event (an object without a prototype). */
export interface CelProgram {
  evaluate(variables: Record<string, unknown>): unknown;
  /** The checker's result type: `dyn` when it depends on the record, else e.g. `bool`, `string`, `list<dyn>`. */
  readonly resultType: string;
}

export interface CelCompileError {
  message: string;
  /** 0-based offset in the expression where the problem starts. */
  position: number;
}

const environment = createEnvironment();

/** Compiles one expression, or says why it cannot be compiled and where. */
export function compileCel(source: string): CelProgram | CelCompileError {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return {
      message: `expressions have at most ${MAX_EXPRESSION_LENGTH} characters`,
      position: MAX_EXPRESSION_LENGTH,
    };
  }
  let program: ReturnType<Environment['parse']>;
  try {
    program = environment.parse(source);
  } catch (err) {
    return compileError(err);
  }
  const refused = refusedNode(program.ast, 0);
  if (refused) return refused;
  const checked = environment.check(source);
  if (!checked.valid) return compileError(checked.error);
  return { evaluate: (variables) => program(variables), resultType: String(checked.type) };
}

export const isCompileError = (c: CelProgram | CelCompileError): c is CelCompileError => 'message' in c;

/** The message of an evaluation error, without the library's source excerpt. */
export function evaluationMessage(err: unknown): string {
  if (err instanceof EvaluationError || err instanceof ParseError) return firstLine(err.message);
  if (err instanceof RangeError) return 'evaluation exceeded the stack (expression too deep)';
  return err instanceof Error ? firstLine(err.message) : 'evaluation failed';
}

function createEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: MAX_AST_NODES, maxDepth: MAX_DEPTH, maxListElements: 100, maxMapEntries: 100 },
  });
  const arithmetic: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  };
  for (const [op, apply] of Object.entries(arithmetic)) {
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => apply(a, Number(b)));
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => apply(Number(a), b));
  }
  return env;
}

type AstNode = { op: string; args: unknown; start?: number; pos?: number };

const isNode = (x: unknown): x is AstNode =>
  typeof x === 'object' && x !== null && typeof (x as AstNode).op === 'string' && 'args' in x;

/** The first refused construct under `node`: a refused function or a comprehension inside a comprehension. */
function refusedNode(node: unknown, comprehensions: number): CelCompileError | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = refusedNode(child, comprehensions);
      if (found) return found;
    }
    return undefined;
  }
  if (!isNode(node)) return undefined;
  let depth = comprehensions;
  if ((node.op === 'rcall' || node.op === 'call') && Array.isArray(node.args)) {
    const name = node.args[0];
    const position = node.start ?? node.pos ?? 0;
    if (typeof name === 'string' && name in REFUSED_FUNCTIONS) {
      return { message: `'${name}': ${REFUSED_FUNCTIONS[name]}`, position };
    }
    if (node.op === 'rcall' && typeof name === 'string' && COMPREHENSIONS.has(name)) {
      if (comprehensions > 0) {
        return {
          message: `'${name}' inside another comprehension: nested comprehensions are not allowed`,
          position,
        };
      }
      depth++;
    }
  }
  return refusedNode(node.args, depth);
}

function compileError(err: unknown): CelCompileError {
  const range = (err as { range?: { start?: number } } | undefined)?.range;
  const position = typeof range?.start === 'number' ? range.start : 0;
  const message = err instanceof Error ? firstLine(err.message) : 'not a valid expression';
  return { message, position };
}

const firstLine = (text: string) => text.split('\n')[0]!.trim();
