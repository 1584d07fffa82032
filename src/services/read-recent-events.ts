/**
 * An entity's most recent raw values of one field (what the view retains for its count windows over that field),
 * for models that need the raw sequence and for charts. Same `asOf` rules as feature reads.
 */
import { watermarkOf } from '../core/engine.js';
import { EddyError, ErrorCode } from '../core/errors.js';
import { recentEvents, retainedEvents } from '../core/recent-events.js';
import type { AsOf, ReadDeps } from './read-features.js';

export interface RecentEventsRequest {
  featureView: string;
  version?: number;
  entity: string;
  field: string;
  /** At most this many events (the most recent ones); capped by what the view retains. */
  limit: number;
  asOf: AsOf;
}

export interface RecentEventsResult {
  featureView: string;
  version: number;
  entity: string;
  field: string;
  status: 'PRESENT' | 'NOT_FOUND';
  /** The entity's watermark, ISO-8601 UTC; null when NOT_FOUND. */
  eventTime: string | null;
  /** How many events of the field the view retains per entity (its largest count window over the field). */
  retained: number;
  /** Oldest first (event time, then arrival); `eventTime` ISO-8601 UTC with milliseconds. */
  events: { eventTime: string; value: number }[];
}

export async function readRecentEvents(
  deps: ReadDeps,
  req: RecentEventsRequest,
): Promise<RecentEventsResult> {
  const { view, compiled } = await deps.catalog.get(req.featureView, req.version);
  const retained = retainedEvents(compiled, req.field);
  if (retained === 0) {
    const counted = compiled.fields.filter((f) => retainedEvents(compiled, f) > 0);
    throw new EddyError(
      ErrorCode.EVENTS_NOT_RETAINED,
      `feature view '${view.name}' retains no events of field '${req.field}': only fields read by a count ` +
        `window ({ "events": N }) are retained${counted.length > 0 ? ` (here: ${counted.join(', ')})` : ''}`,
      '/querystring/field',
    );
  }
  const [loaded] = await deps.entities.load(view.name, view.version, [req.entity]);
  const state = loaded?.stored?.state;
  const watermark = state ? watermarkOf(state) : null;
  const base = {
    featureView: view.name,
    version: view.version,
    entity: req.entity,
    field: req.field,
    retained,
  };
  if (!state || watermark === null) return { ...base, status: 'NOT_FOUND', eventTime: null, events: [] };
  const at = req.asOf === 'now' ? (deps.clock ?? Date.now)() : req.asOf === 'latest' ? watermark : req.asOf;
  return {
    ...base,
    status: 'PRESENT',
    eventTime: new Date(watermark).toISOString(),
    events: recentEvents(compiled, state, req.field, req.limit, at).map((e) => ({
      eventTime: new Date(e.t).toISOString(),
      value: e.value,
    })),
  };
}
