/**
 * Which feature view answers for a SageMaker feature group name (the compatible read API): the view whose
 * latest version's SageMaker sink names the group, else the view of that name. The sink names of all views are
 * listed at most once per `ttlMs` (concurrent lookups share one listing), so a new view or sink is seen within it.
 */
import { featureGroupOf } from '../../core/feature-group-record.js';
import type { ViewCatalog } from '../view-catalog.js';

export interface FeatureGroupIndex {
  /** The name of the view serving `group`, or null when none does. */
  viewFor(group: string): Promise<string | null>;
}

export function featureGroupIndex(
  catalog: Pick<ViewCatalog, 'list'>,
  options: { ttlMs: number; clock?: () => number },
): FeatureGroupIndex {
  const clock = options.clock ?? Date.now;
  let cached: { at: number; groups: Map<string, string> } | null = null;
  let pending: Promise<Map<string, string>> | null = null;

  const refresh = () => {
    pending ??= catalog
      .list()
      .then((views) => {
        const groups = new Map<string, string>();
        // Sink names first, so a sink naming group G wins over a view that is merely called G.
        for (const v of views) if (v.sinks?.sagemaker) groups.set(featureGroupOf(v).featureGroupName, v.name);
        for (const v of views) if (!groups.has(v.name)) groups.set(v.name, v.name);
        cached = { at: clock(), groups };
        return groups;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };

  return {
    async viewFor(group) {
      const groups = cached && clock() - cached.at < options.ttlMs ? cached.groups : await refresh();
      return groups.get(group) ?? null;
    },
  };
}
