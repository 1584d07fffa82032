/**
 * The bound on one online read's work. A read decodes each requested entity's whole state, and the count-window
 * lists dominate it (every retained event is decoded as numbers), so the cost of a read is
 * entities × the events the view retains per entity (the sum of its largest count window per field).
 */
import { EddyError, ErrorCode } from '../core/errors.js';
import type { CompiledView } from '../core/feature-view.js';

/** Retained count-window events one read may decode (about 24 MB of decoded numbers). */
export const MAX_READ_RETAINED_EVENTS = 1_000_000;

/** Count-window events the view retains per entity, at most. */
export function retainedEventsPerEntity(view: CompiledView): number {
  let total = 0;
  for (const n of Object.values(view.eventsPerField)) total += n;
  return total;
}

/**
 * Rejects, before any state is loaded, a read whose cost is over MAX_READ_RETAINED_EVENTS.
 * @throws EddyError READ_TOO_LARGE naming the cost, the bound and the largest entity count that fits.
 */
export function checkReadCost(view: CompiledView, entityCount: number): void {
  const perEntity = retainedEventsPerEntity(view);
  const cost = entityCount * perEntity;
  if (cost <= MAX_READ_RETAINED_EVENTS) return;
  const maxEntities = Math.floor(MAX_READ_RETAINED_EVENTS / perEntity);
  throw new EddyError(
    ErrorCode.READ_TOO_LARGE,
    `reading ${entityCount} entities of '${view.name}' decodes up to ${cost} retained events (${perEntity} per entity); at most ${MAX_READ_RETAINED_EVENTS} are allowed per read: request at most ${maxEntities} entities, or fewer per request`,
    '/entities',
    { retainedEvents: cost, maxRetainedEvents: MAX_READ_RETAINED_EVENTS, maxEntities },
  );
}
