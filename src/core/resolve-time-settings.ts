/**
 * The time settings of a view spec: granularity (given and checked against the windows, or chosen), allowed
 * lateness and ttl, each defaulted when omitted and checked against the time windows.
 */
import { formatDuration, parseDuration } from './duration.js';
import type { FeatureViewSpec } from './feature-view.js';
import {
  checkWindowsAgainst,
  chooseGranularity,
  MAX_RETAINED_TILES,
  type TimeWindow,
} from './view-granularity.js';
import { fail, optionalDuration, requiredDuration } from './view-spec-checks.js';

export const DEFAULT_TTL = '7d';

/** Duration strings the client sent are kept as sent; durations the service chose are written by `formatDuration`. */
export function resolveTimeSettings(
  spec: FeatureViewSpec,
  windows: TimeWindow[],
): { granularity: string; allowedLateness: string; ttl: string } {
  const largestWindow = Math.max(0, ...windows.map((w) => w.ms));
  const explicitLateness = optionalDuration('/allowedLateness', spec.allowedLateness);

  let granularityMs: number;
  let granularity: string;
  if (spec.granularity !== undefined) {
    granularityMs = requiredDuration('/granularity', spec.granularity);
    granularity = spec.granularity;
    checkWindowsAgainst(granularityMs, granularity, windows);
  } else {
    granularityMs = chooseGranularity(windows, explicitLateness);
    granularity = formatDuration(granularityMs);
  }

  // Default lateness: the largest time window; with none, one tile (0 is not a valid duration).
  const latenessMs = explicitLateness ?? (largestWindow > 0 ? largestWindow : granularityMs);
  const allowedLateness = spec.allowedLateness ?? formatDuration(latenessMs);
  // Tiles exist only for time windows, so retention is bounded only when there is one.
  if (windows.length > 0) {
    const retained = Math.ceil((largestWindow + latenessMs) / granularityMs);
    if (retained > MAX_RETAINED_TILES) {
      throw fail(
        '/allowedLateness',
        `allowedLateness ${allowedLateness} with the largest window ${formatDuration(largestWindow)} keeps ${retained} tiles of ${granularity}; at most ${MAX_RETAINED_TILES} are allowed (shorten allowedLateness or raise granularity)`,
      );
    }
  }

  // Default ttl: 7d, or the largest time window when that is longer (a default must never be invalid).
  const ttlMs = optionalDuration('/ttl', spec.ttl) ?? Math.max(parseDuration(DEFAULT_TTL)!, largestWindow);
  const ttl = spec.ttl ?? formatDuration(ttlMs);
  if (ttlMs < largestWindow) {
    throw fail('/ttl', `ttl ${ttl} is shorter than the largest time window ${formatDuration(largestWindow)}`);
  }

  return { granularity, allowedLateness, ttl };
}
