/**
 * Store decorators that report record outcomes to the metrics at the one place each outcome is counted, so
 * `eddy_records_total` moves exactly as the view counters do, whatever path (push lane, Kinesis shard, replay)
 * produced the records:
 *
 * - `meteredCounters`: a batch's accepted, late, duplicate and filtered events, when the batch is counted (a batch
 *   that was counted before is not counted again), and the filtered events of accepted push requests;
 * - `meteredDeadLetters`: rejected records, when newly stored (the store reports how many were new).
 */
import type { DeadLetterStore } from '../ports/dead-letters.js';
import type { IngestMetrics } from '../ports/metrics.js';
import type { ViewCounters } from '../ports/view-counters.js';

export function meteredCounters(counters: ViewCounters, metrics: IngestMetrics): ViewCounters {
  return {
    ...counters,
    async countBatch(view, version, source, batchEnd, count) {
      const counted = await counters.countBatch(view, version, source, batchEnd, count);
      if (counted) {
        metrics.countRecords(view, 'accepted', count.accepted);
        metrics.countRecords(view, 'late', count.late);
        metrics.countRecords(view, 'duplicate', count.duplicate);
        metrics.countRecords(view, 'filtered', count.filtered ?? 0);
      }
      return counted;
    },
    async countFiltered(view, version, n) {
      await counters.countFiltered(view, version, n);
      metrics.countRecords(view, 'filtered', n);
    },
  };
}

export function meteredDeadLetters(store: DeadLetterStore, metrics: IngestMetrics): DeadLetterStore {
  return {
    ...store,
    async add(view, version, entries) {
      const stored = await store.add(view, version, entries);
      metrics.countRecords(view, 'rejected', stored);
      return stored;
    },
  };
}

/** Dead letters kept per live view (for the metrics, read on scrape). */
export async function deadLetterSizes(deps: {
  catalog: { list(): Promise<readonly { name: string }[]> };
  deadLetters: DeadLetterStore;
}): Promise<Map<string, number>> {
  const views = await deps.catalog.list();
  const pages = await Promise.all(views.map((v) => deps.deadLetters.list(v.name, 1)));
  return new Map(views.map((v, i) => [v.name, pages[i]!.total]));
}
