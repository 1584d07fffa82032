/** The features of a view spec: each checked and copied, and the time windows among them. */
import {
  AGGREGATIONS,
  EW_AGGREGATIONS,
  type FeatureSpec,
  FIELDLESS_AGGREGATIONS,
  LIFETIME_AGGREGATIONS,
} from './feature-view.js';
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
    else if (!FIELDLESS_AGGREGATIONS.includes(spec.agg))
      throw fail(`${at}/field`, `aggregation '${spec.agg}' needs a field`);

    const hasWindow = spec.window !== undefined;
    const hasEvents = spec.events !== undefined;
    if (hasWindow && hasEvents) throw fail(`${at}/window`, 'set exactly one of window and events, not both');
    if (!hasWindow && !hasEvents && !LIFETIME_AGGREGATIONS.includes(spec.agg)) {
      throw fail(
        `${at}/window`,
        `aggregation '${spec.agg}' needs a window or events (only ${LIFETIME_AGGREGATIONS.join(', ')} may have neither)`,
      );
    }
    const feature: FeatureSpec = { name: spec.name, agg: spec.agg };
    if (spec.field !== undefined) feature.field = spec.field;
    if (EW_AGGREGATIONS.includes(spec.agg)) {
      if (spec.halfLife === undefined)
        throw fail(`${at}/halfLife`, `aggregation '${spec.agg}' needs a halfLife (a duration)`);
      requiredDuration(`${at}/halfLife`, spec.halfLife);
      feature.halfLife = spec.halfLife;
    } else if (spec.halfLife !== undefined) {
      throw fail(`${at}/halfLife`, `only ${EW_AGGREGATIONS.join(', ')} take a halfLife`);
    }
    if (spec.agg === 'approx_percentile') {
      if (typeof spec.p !== 'number' || !(spec.p > 0 && spec.p < 1))
        throw fail(`${at}/p`, "aggregation 'approx_percentile' needs p, a number strictly between 0 and 1");
      feature.p = spec.p;
    } else if (spec.p !== undefined) {
      throw fail(`${at}/p`, "only 'approx_percentile' takes p");
    }
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
