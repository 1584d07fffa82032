/** The tile size (granularity) of a view: checked against its time windows, or chosen for them. */
import { formatDuration, parseDuration } from './duration.js';
import { fail } from './view-spec-checks.js';

export const MAX_WINDOW_TILES = 1_440;
export const MAX_RETAINED_TILES = 10_080;
/** Granularity of a view without time windows (tiles then serve nothing; the value only has to be valid). */
export const NO_WINDOW_GRANULARITY = '1m';
/** Granularities the service picks from when the spec omits one, smallest first. */
// biome-ignore format: a table reads better on two lines
export const NICE_GRANULARITIES: readonly number[] = [
  '1s', '2s', '5s', '10s', '15s', '30s', '1m', '2m', '5m', '10m', '15m', '30m', '1h', '2h', '3h', '6h', '12h', '1d',
].map((d) => parseDuration(d)!);

/** A time window of the spec: where it is and its length in ms. */
export interface TimeWindow {
  path: string;
  text: string;
  ms: number;
}

export function checkWindowsAgainst(granularityMs: number, granularity: string, windows: TimeWindow[]): void {
  for (const w of windows) {
    if (w.ms % granularityMs !== 0) {
      throw fail(w.path, `window ${w.text} is not a whole multiple of granularity ${granularity}`);
    }
    const tiles = w.ms / granularityMs;
    if (tiles > MAX_WINDOW_TILES) {
      throw fail(
        w.path,
        `window ${w.text} spans ${tiles} tiles of granularity ${granularity}; at most ${MAX_WINDOW_TILES} are allowed (use a coarser granularity)`,
      );
    }
  }
}

/**
 * The granularity chosen when the spec omits it: the smallest of NICE_GRANULARITIES that divides every time window
 * and gives at most MAX_WINDOW_TILES tiles for the largest, else the windows' greatest common divisor when it fits.
 * With an explicit allowedLateness, the smallest such candidate that also keeps retention within
 * MAX_RETAINED_TILES is preferred (the caller reports the lateness when none does). No time window: 1m.
 */
export function chooseGranularity(windows: TimeWindow[], latenessMs: number | undefined): number {
  if (windows.length === 0) return parseDuration(NO_WINDOW_GRANULARITY)!;
  const sizes = windows.map((w) => w.ms);
  const largest = Math.max(...sizes);
  const divisor = sizes.reduce(gcd);
  const fits = (g: number) => sizes.every((w) => w % g === 0) && largest / g <= MAX_WINDOW_TILES;
  const candidates = NICE_GRANULARITIES.filter(fits);
  if (fits(divisor) && !candidates.includes(divisor)) candidates.push(divisor);
  if (candidates.length === 0) {
    throw fail(
      '/granularity',
      `the time windows ${windows.map((w) => w.text).join(', ')} cannot share a tile size: a granularity must divide every window and give at most ${MAX_WINDOW_TILES} tiles per window, but their greatest common divisor ${formatDuration(divisor)} gives ${largest / divisor} tiles for the largest`,
    );
  }
  const retains = (g: number) => Math.ceil((largest + (latenessMs ?? largest)) / g) <= MAX_RETAINED_TILES;
  return candidates.find(retains) ?? candidates[candidates.length - 1]!;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
