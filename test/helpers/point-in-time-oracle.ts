/**
 * The point-in-time oracle (docs/semantics.md#point-in-time-training-data), from the brute-force Oracle: judge
 * one entity's whole stream in source order, then for a row at T keep only the accepted events with t <= T
 * (or < T) and recompute every feature from them. Shares no code with src/core/point-in-time.ts.
 */
import type { EngineEvent } from '../../src/core/event.js';
import type { CompiledView } from '../../src/core/feature-view.js';
import { Oracle } from './oracle.js';

export interface OracleRow {
  eventTime: number | null;
  /** The oracle restricted to the row's events (for tolerances: its window values). */
  restricted: Oracle;
  values: Record<string, number | null>;
}

export function pointInTimeOracle(
  view: CompiledView,
  events: readonly EngineEvent[],
  boundary: 'inclusive' | 'exclusive',
): (T: number) => OracleRow {
  const whole = new Oracle(view);
  whole.apply(events);
  return (T) => {
    const restricted = new Oracle(view);
    for (const e of whole.events)
      if (boundary === 'inclusive' ? e.t <= T : e.t < T) restricted.events.push(e);
    const times = restricted.events.map((e) => e.t);
    return {
      eventTime: times.length === 0 ? null : Math.max(...times),
      restricted,
      values: restricted.evaluate(T, 'exact'),
    };
  };
}
