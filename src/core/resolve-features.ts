/** The features of a view spec: each checked and copied, and the time windows among them. */
import { AGGREGATIONS, type FeatureSpec } from './feature-view.js';
import type { TimeWindow } from './view-granularity.js';
import { checkName, checkRecordField, fail, requiredDuration } from './view-spec-checks.js';

export const MAX_FEATURES = 100;
export const MAX_EVENTS = 1_000;

export function resolveFeatures(specs: FeatureSpec[]): { features: FeatureSpec[]; windows: TimeWindow[] } {
  if (!Array.isArray(specs) || specs.length === 0 || specs.length > MAX_FEATURES) {
    throw fail('/features', `must list 1 to ${MAX_FEATURES} features`);
  }
  const seen = new Map<string, number>();
  const features: FeatureSpec[] = [];
  const windows: TimeWindow[] = [];
  specs.forEach((spec, i) => {
    const at = `/features/${i}`;
    checkName(`${at}/name`, spec.name);
    const first = seen.get(spec.name);
    if (first !== undefined)
      throw fail(`${at}/name`, `duplicate feature name '${spec.name}' (also /features/${first})`);
    seen.set(spec.name, i);
    if (!(AGGREGATIONS as readonly string[]).includes(spec.agg)) {
      throw fail(
        `${at}/agg`,
        `unknown aggregation '${String(spec.agg)}'; expected one of ${AGGREGATIONS.join(', ')}`,
      );
    }
    if (spec.field !== undefined) checkRecordField(`${at}/field`, spec.field);
    else if (spec.agg !== 'count') throw fail(`${at}/field`, `aggregation '${spec.agg}' needs a field`);

    const hasWindow = spec.window !== undefined;
    const hasEvents = spec.events !== undefined;
    if (hasWindow && hasEvents) throw fail(`${at}/window`, 'set exactly one of window and events, not both');
    if (!hasWindow && !hasEvents && spec.agg !== 'last') {
      throw fail(
        `${at}/window`,
        `aggregation '${spec.agg}' needs a window or events (only 'last' may have neither)`,
      );
    }
    const feature: FeatureSpec = { name: spec.name, agg: spec.agg };
    if (spec.field !== undefined) feature.field = spec.field;
    if (spec.window !== undefined) {
      windows.push({
        path: `${at}/window`,
        text: spec.window,
        ms: requiredDuration(`${at}/window`, spec.window),
      });
      feature.window = spec.window;
    }
    if (spec.events !== undefined) {
      if (!Number.isInteger(spec.events) || spec.events < 1 || spec.events > MAX_EVENTS) {
        throw fail(`${at}/events`, `events must be an integer from 1 to ${MAX_EVENTS}`);
      }
      feature.events = spec.events;
    }
    features.push(feature);
  });
  return { features, windows };
}
