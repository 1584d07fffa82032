/**
 * An entity's most recent raw values of one field, as the engine retains them for the view's count windows
 * (count-window.ts): per field, the top-N accepted events by (event time, arrival), N being the largest count
 * window over that field. The same events a count window of `limit` events reads as of the same time.
 */
import { ENTRY, endAtOrBefore } from './count-window.js';
import type { EntityState } from './engine.js';
import { planOf } from './engine-plan.js';
import type { CompiledView } from './feature-view.js';

export interface RecentEvent {
  /** Event time, epoch ms UTC. */
  t: number;
  value: number;
}

/** How many recent events of `field` the view retains per entity (0: no count window reads that field). */
export function retainedEvents(view: CompiledView, field: string): number {
  const plan = planOf(view);
  const slot = plan.fields.indexOf(field);
  return slot < 0 ? 0 : plan.caps[slot]!;
}

/**
 * The at most `limit` most recent retained events of `field` with event time <= `asOfMs`, oldest first (ties in
 * event time in arrival order). Empty when the view retains none for the field (see retainedEvents).
 */
export function recentEvents(
  view: CompiledView,
  state: EntityState,
  field: string,
  limit: number,
  asOfMs: number,
): RecentEvent[] {
  const slot = planOf(view).fields.indexOf(field);
  const list = slot < 0 ? undefined : state.countWindows[slot];
  if (list === undefined || limit <= 0) return [];
  const end = endAtOrBefore(list, asOfMs);
  const start = Math.max(0, end - Math.floor(limit) * ENTRY);
  const out: RecentEvent[] = [];
  for (let k = start; k < end; k += ENTRY) out.push({ t: list[k]!, value: list[k + 2]! });
  return out;
}
