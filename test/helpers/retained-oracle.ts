/**
 * Rows from the online state as docs/semantics.md#training-rows-from-the-online-state defines them, from the
 * brute-force Oracle that knows every accepted event of the entity (shares no code with
 * src/core/historical/retained-row.ts): the row's status by the documented retention rules, and its values from
 * the oracle as of the last whole tile before T (count windows: as of T over the retained top N).
 */
import type { CompiledFeature, CompiledView } from '../../src/core/feature-view.js';
import { agreesFeature, type Oracle } from './oracle.js';

export type Boundary = 'inclusive' | 'exclusive';

export interface ExpectedRetainedRow {
  status: 'PRESENT' | 'NOT_FOUND' | 'OUT_OF_RETENTION';
  values: Record<string, number | null>;
  /** PRESENT rows: the oracle and the times its features are read at (for tolerances). */
  oracle?: Oracle;
  end?: number;
  countAt?: number;
}

/** The last ms of the last tile (of g ms) that ends at or before T (inclusive) or before T (exclusive). */
export function lastTileEnd(T: number, g: number, boundary: Boundary): number {
  const own = Math.floor(T / g);
  const ownEnd = (own + 1) * g - 1;
  return boundary === 'inclusive' && ownEnd === T ? T : own * g - 1;
}

/**
 * The expected row of `whole`'s entity at T. `retainedTiles`: the tiles the view keeps behind its watermark's,
 * (largest time window + allowedLateness) / g, written by the caller from the view's definition.
 */
export function expectedRetainedRow(
  view: CompiledView,
  retainedTiles: number,
  whole: Oracle,
  T: number,
  boundary: Boundary,
): ExpectedRetainedRow {
  const g = view.granularityMs;
  const tile = (t: number) => Math.floor(t / g);
  const accepted = whole.events;
  if (accepted.length === 0) {
    return {
      status: 'NOT_FOUND',
      values: Object.fromEntries(
        view.features.map((f) => [f.name, f.agg === 'count' || f.agg === 'sum' ? 0 : null]),
      ),
    };
  }
  const end = lastTileEnd(T, g, boundary);
  const countAt = boundary === 'inclusive' ? T : T - 1; // event times are whole ms
  const floor = tile(Math.max(...accepted.map((e) => e.t))) - retainedTiles;
  const belowFloor = accepted.some((e) => tile(e.t) <= floor);
  const carries = (field: string | undefined) =>
    accepted.filter((e) => field === undefined || Number.isFinite(e.values[field]));
  const dropped = (f: CompiledFeature): boolean => {
    if (f.kind === 'time') return tile(end) - f.windowMs! / g + 1 <= floor && belowFloor;
    if (f.kind === 'events') {
      const cap = Math.max(
        ...view.features.filter((x) => x.kind === 'events' && x.field === f.field).map((x) => x.events!),
      );
      const pool = carries(f.field).sort((a, b) => b.t - a.t || b.arrival - a.arrival);
      const kept = pool.slice(0, cap).filter((e) => e.t <= countAt).length;
      return kept < f.events! && pool.length >= cap;
    }
    const withField = carries(f.field);
    const below = withField.filter((e) => tile(e.t) <= floor).map((e) => e.t);
    if (f.agg === 'ewma' || f.agg === 'ewvar' || f.agg === 'ewstd')
      return below.length > 0 && tile(end) < floor;
    const inTiles = withField.some((e) => tile(e.t) > floor && tile(e.t) <= tile(end));
    return !inTiles && below.length > 0 && Math.max(...below) > end;
  };
  if (view.features.some(dropped)) {
    return {
      status: 'OUT_OF_RETENTION',
      values: Object.fromEntries(view.features.map((f) => [f.name, null])),
    };
  }
  const values: Record<string, number | null> = {};
  for (const f of view.features)
    values[f.name] = whole.value(f, f.kind === 'events' ? countAt : end, 'retained');
  return { status: 'PRESENT', values, oracle: whole, end, countAt };
}

/** The first feature of a result row that disagrees with the expected row (numbers tolerances), or null. */
export function retainedMismatch(
  view: CompiledView,
  row: Record<string, unknown>,
  want: ExpectedRetainedRow,
): string | null {
  if (row.status !== want.status) return `status ${String(row.status)}, expected ${want.status}`;
  for (const f of view.features) {
    const got = (row[f.name] ?? null) as number | null;
    const expected = want.values[f.name] ?? null;
    const window =
      want.oracle?.windowEvents(f, f.kind === 'events' ? want.countAt! : want.end!, 'retained') ?? [];
    if (!agreesFeature(f, got, expected, window)) return `${f.name} got ${got}, expected ${expected}`;
  }
  return null;
}
