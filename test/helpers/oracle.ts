/**
 * Brute-force oracle for the engine, written straight from docs/semantics.md and shares no code with src/core's
 * engine: it keeps every accepted event and recomputes every feature from scratch, with an exactly rounded
 * sum (Shewchuk partials) and a two-pass mean and variance.
 */
import type { ApplyOutcome, EngineEvent } from '../../src/core/event.js';
import type { CompiledFeature, CompiledView } from '../../src/core/feature-view.js';

interface Accepted {
  t: number;
  arrival: number;
  values: Record<string, number>;
}

/** Sum of xs, correctly rounded up to the last partial (Shewchuk / Python's math.fsum without the final fix-up). */
export function exactSum(xs: readonly number[]): number {
  const partials: number[] = [];
  for (let x of xs) {
    let kept = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[kept++] = lo;
      x = hi;
    }
    partials.length = kept;
    partials.push(x);
  }
  let total = 0;
  for (let i = partials.length - 1; i >= 0; i--) total += partials[i]!;
  return total;
}

/** Aggregates a list of values (already selected by the window) the textbook way. */
export function aggregate(agg: CompiledFeature['agg'], values: readonly number[]): number | null {
  const n = values.length;
  if (agg === 'count') return n;
  if (agg === 'sum') return n === 0 ? 0 : exactSum(values);
  if (n === 0) return null;
  if (agg === 'last') return values[n - 1]!;
  if (agg === 'min') return Math.min(...values);
  if (agg === 'max') return Math.max(...values);
  const mean = exactSum(values) / n;
  if (agg === 'avg') return mean;
  const ss = exactSum(values.map((x) => (x - mean) * (x - mean)));
  switch (agg) {
    case 'variance':
      return ss / n;
    case 'stddev':
      return Math.sqrt(ss / n);
    case 'var_samp':
      return n < 2 ? null : ss / (n - 1);
    case 'stddev_samp':
      return n < 2 ? null : Math.sqrt(ss / (n - 1));
  }
  throw new Error(`unknown aggregation ${agg}`);
}

/** A window's event as the oracle sees it: event time and value, oldest first. */
export interface WindowEvent {
  t: number;
  v: number;
}

/** Exact order statistic at 0-based rank r of ascending xs, both neighbours when r is fractional. */
const ranked = (sorted: readonly number[], r: number): number[] => [
  sorted[Math.floor(r)]!,
  sorted[Math.ceil(r)]!,
];

/**
 * Every aggregation over a window's events (oldest first by event time, then arrival) as of T, from the
 * definitions: the moment ones through `aggregate`; `approx_*` exactly (the engine must be within its bounds of it,
 * see `agreesFeature`). `time_since_last` takes the newest event at or before T.
 */
export function aggregateFeature(
  f: Pick<CompiledFeature, 'agg' | 'halfLifeMs' | 'p'>,
  events: readonly WindowEvent[],
  asOfMs: number,
): number | null {
  const values = events.map((e) => e.v);
  const n = events.length;
  switch (f.agg) {
    case 'first':
      return n === 0 ? null : values[0]!;
    case 'range':
      return n === 0 ? null : Math.max(...values) - Math.min(...values);
    case 'delta':
      return n === 0 ? null : values[n - 1]! - values[0]!;
    case 'rate': {
      if (n === 0 || events[n - 1]!.t === events[0]!.t) return null;
      return (values[n - 1]! - values[0]!) / ((events[n - 1]!.t - events[0]!.t) / 1000);
    }
    case 'zscore': {
      const sd = aggregate('stddev', values);
      if (n < 2 || sd === null || sd === 0) return null;
      return (values[n - 1]! - aggregate('avg', values)!) / sd;
    }
    case 'ewma':
    case 'ewvar':
    case 'ewstd': {
      if (n === 0) return null;
      // Weights relative to the newest event: the ratios do not depend on T, and nothing overflows.
      const newest = Math.max(...events.map((e) => e.t));
      const w = events.map((e) => 2 ** ((e.t - newest) / f.halfLifeMs!));
      const total = exactSum(w);
      const mean = exactSum(values.map((x, i) => w[i]! * x)) / total;
      if (f.agg === 'ewma') return mean;
      const variance = exactSum(values.map((x, i) => w[i]! * (x - mean) * (x - mean))) / total;
      return f.agg === 'ewvar' ? variance : Math.sqrt(variance);
    }
    case 'approx_percentile': {
      if (n === 0) return null;
      const sorted = [...values].sort((a, b) => a - b);
      return ranked(sorted, f.p! * (n - 1))[0]!;
    }
    case 'approx_count_distinct':
      return n === 0 ? null : new Set(values).size;
    case 'time_since_last': {
      const before = events.filter((e) => e.t <= asOfMs);
      return before.length === 0 ? null : asOfMs - Math.max(...before.map((e) => e.t));
    }
    default:
      return aggregate(f.agg, values);
  }
}

/**
 * Whether an engine value agrees with the oracle's for a window (docs/semantics.md#numbers): the moment
 * aggregations as `agrees`; `first`, `range`, `delta`, `rate`, `time_since_last` exactly; `zscore` within what the
 * mean and variance tolerances allow; `ewma` within 1e-9 relative or 1e-12 of the largest |x| (a weighted mean's
 * rounding scales with its inputs), `ewvar` within 1e-9 relative or 1e-12 of the largest x² (`ewstd`: its square);
 * `approx_percentile` within 1% relative of the exact value at rank p·(n − 1) (either neighbour when fractional);
 * `approx_count_distinct` within 2% (±2 below 100).
 */
export function agreesFeature(
  f: Pick<CompiledFeature, 'agg' | 'halfLifeMs' | 'p'>,
  actual: number | null,
  expected: number | null,
  events: readonly WindowEvent[],
): boolean {
  const values = events.map((e) => e.v);
  const tiny = 2 ** -1022;
  const maxAbs = values.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  switch (f.agg) {
    case 'zscore':
      return zscoreAgrees(actual, expected, values);
    case 'ewma':
      if (expected === null || actual === null) return actual === expected;
      return Math.abs(actual - expected) <= Math.max(1e-9 * Math.abs(expected), 1e-12 * maxAbs, tiny);
    case 'ewvar':
    case 'ewstd': {
      if (expected === null || actual === null) return actual === expected;
      const [a, e] = f.agg === 'ewstd' ? [actual * actual, expected * expected] : [actual, expected];
      return (
        Number.isFinite(a) && Math.abs(a - e) <= Math.max(1e-9 * Math.abs(e), 1e-12 * maxAbs * maxAbs, tiny)
      );
    }
    case 'approx_percentile': {
      if (expected === null || actual === null) return actual === expected;
      const sorted = [...values].sort((a, b) => a - b);
      return ranked(sorted, f.p! * (values.length - 1)).some(
        (c) => Math.abs(actual - c) <= 0.01 * (1 + 1e-9) * Math.abs(c) + 1e-300,
      );
    }
    case 'approx_count_distinct':
      if (expected === null || actual === null) return actual === expected;
      return (
        Number.isInteger(actual) && Math.abs(actual - expected) <= (expected < 100 ? 2 : 0.02 * expected)
      );
    case 'first':
    case 'range':
    case 'delta':
    case 'rate':
    case 'time_since_last':
      return Object.is(actual, expected) || actual === expected;
    default:
      return agrees(f.agg, actual, expected, values);
  }
}

/** z = (last − mean) / σ for some mean and σ² within the avg and variance tolerances of the exact ones. */
function zscoreAgrees(actual: number | null, expected: number | null, values: readonly number[]): boolean {
  const n = values.length;
  if (n < 2) return actual === null && expected === null;
  const mean = aggregate('avg', values)!;
  const variance = aggregate('variance', values)!;
  const meanSquare = values.reduce((a, x) => a + x * x, 0) / n;
  const absSum = values.reduce((a, x) => a + Math.abs(x), 0);
  const tiny = 2 ** -1022;
  const dv = Math.max(1e-9 * variance, 1e-12 * meanSquare, tiny);
  if (variance - dv <= 0) return actual === null || Number.isFinite(actual);
  if (actual === null || expected === null) return false;
  const last = values[n - 1]!;
  const dm =
    Math.max(1e-9 * Math.abs(mean), tiny, (1e-15 * Math.abs(mean * n) + 1e-20 * absSum) / n) +
    2 ** -52 * (Math.abs(last) + Math.abs(mean));
  const num = last - mean;
  const bounds = [];
  for (const x of [num - dm, num + dm])
    for (const s of [Math.sqrt(variance - dv), Math.sqrt(variance + dv)]) bounds.push(x / s);
  const lo = Math.min(...bounds);
  const hi = Math.max(...bounds);
  return actual >= lo - 1e-12 * Math.abs(lo) && actual <= hi + 1e-12 * Math.abs(hi);
}

/** Which count-window reading to produce: the §3 definition, or the engine's documented retained top-N. */
export type CountWindowMode = 'exact' | 'retained';

export class Oracle {
  readonly events: Accepted[] = [];
  private watermark: number | null = null;
  private arrivals = 0;
  /** id → event time of the accepted record carrying it. */
  private readonly ids = new Map<string, number>();

  constructor(private readonly view: CompiledView) {}

  get watermarkMs(): number | null {
    return this.watermark;
  }

  apply(batch: readonly EngineEvent[]): ApplyOutcome {
    const outcome = { accepted: 0, late: 0, duplicate: 0 };
    const lateness = this.view.allowedLatenessMs;
    for (const e of batch) {
      if (this.watermark !== null && e.t < this.watermark - lateness) {
        outcome.late++;
        continue;
      }
      // An id is remembered while its event time is within allowedLateness of the watermark.
      const seen = e.id === undefined ? undefined : this.ids.get(e.id);
      if (seen !== undefined && this.watermark !== null && seen >= this.watermark - lateness) {
        outcome.duplicate++;
        continue;
      }
      outcome.accepted++;
      if (e.id !== undefined) this.ids.set(e.id, e.t);
      this.events.push({ t: e.t, arrival: this.arrivals++, values: { ...e.values } });
      this.watermark = this.watermark === null ? e.t : Math.max(this.watermark, e.t);
    }
    return outcome;
  }

  private tile(t: number): number {
    return Math.floor(t / this.view.granularityMs);
  }

  private carries(e: Accepted, field: string | undefined): boolean {
    return field === undefined || Number.isFinite(e.values[field]);
  }

  /** Candidates for a count window over `field`, most recent first (event time, then arrival). */
  private recentFirst(field: string | undefined): Accepted[] {
    return this.events
      .filter((e) => this.carries(e, field))
      .sort((a, b) => b.t - a.t || b.arrival - a.arrival);
  }

  /** The largest N among count windows over the same field (or among field-less ones). */
  private retainedCount(field: string | undefined): number {
    return Math.max(
      0,
      ...this.view.features.filter((f) => f.kind === 'events' && f.field === field).map((f) => f.events ?? 0),
    );
  }

  /**
   * The values a feature aggregates as of T, oldest first by (event time, arrival); zeros for a field-less
   * `count`. Lifetime features are an unbounded time window ending at the end of T's tile.
   */
  window(f: CompiledFeature, asOfMs: number, mode: CountWindowMode): number[] {
    return this.windowEvents(f, asOfMs, mode).map((e) => e.v);
  }

  /** The window's events (time and value), oldest first; value 0 for field-less features. */
  windowEvents(f: CompiledFeature, asOfMs: number, mode: CountWindowMode): WindowEvent[] {
    const field = f.field;
    const tT = this.tile(asOfMs);
    let chosen: Accepted[];
    if (f.kind === 'time') {
      const w = f.windowMs! / this.view.granularityMs;
      chosen = this.recentFirst(field).filter((e) => tT - w < this.tile(e.t) && this.tile(e.t) <= tT);
    } else if (f.kind === 'events') {
      let pool = this.recentFirst(field);
      if (mode === 'retained') pool = pool.slice(0, this.retainedCount(field));
      chosen = pool.filter((e) => e.t <= asOfMs).slice(0, f.events);
    } else {
      chosen = this.recentFirst(field).filter((e) => this.tile(e.t) <= tT);
    }
    return chosen.reverse().map((e) => ({ t: e.t, v: field === undefined ? 0 : e.values[field]! }));
  }

  value(f: CompiledFeature, asOfMs: number, mode: CountWindowMode): number | null {
    return aggregateFeature(f, this.windowEvents(f, asOfMs, mode), asOfMs);
  }

  evaluate(asOfMs: number, mode: CountWindowMode): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const f of this.view.features) out[f.name] = this.value(f, asOfMs, mode);
    return out;
  }
}

/**
 * Whether an engine value agrees with the oracle's for the values in the window (docs/semantics.md#numbers):
 * - count, min, max, last: exactly;
 * - sum: |Δ| <= 1e-15·|exact| + 1e-20·Σ|x| (a compensated sum is within a few ulps of the exact sum);
 * - avg: 1e-9 relative;
 * - variance, var_samp: |Δ| <= max(1e-9·|v|, 1e-12·mean(x²)); stddev, stddev_samp: their squares the same.
 * Below the smallest normal double (2.2e-308) relative error is meaningless (subnormals carry few bits), so every
 * tolerance is at least that. The accuracy above holds for values within ±1e9; beyond (records carry up to ±1e100)
 * avg may also be off by the sum's tolerance over n, as under cancellation its exact value can be far below it.
 */
export function agrees(
  agg: CompiledFeature['agg'],
  actual: number | null,
  expected: number | null,
  values: readonly number[],
): boolean {
  if (expected === null || actual === null) return actual === expected;
  if (!Number.isFinite(actual)) return false;
  const absSum = values.reduce((a, x) => a + Math.abs(x), 0);
  const meanSquare = values.reduce((a, x) => a + x * x, 0) / Math.max(1, values.length);
  const tiny = 2 ** -1022;
  const varianceTolerance = (v: number) => Math.max(1e-9 * Math.abs(v), 1e-12 * meanSquare, tiny);
  const sumTolerance = (sum: number) => Math.max(1e-15 * Math.abs(sum) + 1e-20 * absSum, tiny);
  const beyondAccuracyRange = values.some((x) => Math.abs(x) > 1e9);
  switch (agg) {
    case 'sum':
      return Math.abs(actual - expected) <= sumTolerance(expected);
    case 'avg':
      return (
        Math.abs(actual - expected) <= Math.max(1e-9 * Math.abs(expected), tiny) ||
        (beyondAccuracyRange &&
          Math.abs(actual - expected) <= sumTolerance(expected * values.length) / values.length)
      );
    case 'variance':
    case 'var_samp':
      return Math.abs(actual - expected) <= varianceTolerance(expected);
    case 'stddev':
    case 'stddev_samp':
      return Math.abs(actual * actual - expected * expected) <= varianceTolerance(expected * expected);
    default:
      return Object.is(actual, expected) || actual === expected;
  }
}
