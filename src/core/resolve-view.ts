/**
 * Semantic validation of a feature-view spec and resolution of its defaults (PRODUCT.md §2).
 *
 * The HTTP schema (src/http/schemas/feature-view.ts) checks shapes and limits; this module checks the rules that
 * relate fields to each other and is safe to call on unvalidated input typed as a spec. Every failure is an
 * `EddyError` with code INVALID_FEATURE_VIEW whose `field` is a JSON pointer (`/features/2/window`) and whose
 * message starts with that pointer.
 */

import { formatDuration, parseDuration } from './duration.js';
import { invalidView } from './errors.js';
import type {
  FeatureSpec,
  FeatureView,
  FeatureViewSpec,
  SageMakerSinkSpec,
  SourceSpec,
  StartPosition,
} from './feature-view.js';
import { AGGREGATIONS } from './feature-view.js';
import { parseIsoInstant } from './record-event-time.js';

/** View and feature names. */
export const NAME_PATTERN = '^[a-z][a-z0-9_]{0,62}$';
/** Kinesis stream names (AWS `StreamName`, 1..128 characters). */
export const STREAM_NAME_PATTERN = '^[a-zA-Z0-9_.-]+$';
/** SageMaker Feature Store `FeatureGroupName` and `FeatureName`. */
export const SAGEMAKER_NAME_PATTERN = '^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$';
/** Feature names SageMaker Feature Store reserves for itself. */
const SAGEMAKER_RESERVED = new Set(['is_deleted', 'write_time', 'api_invocation_time']);

export const MAX_WINDOW_TILES = 1_440;
export const MAX_RETAINED_TILES = 10_080;
export const MAX_FEATURES = 100;
export const MAX_EVENTS = 1_000;
export const MAX_RECORD_FIELD_LENGTH = 128;
export const DEFAULT_TTL = '7d';
/** New Kinesis views start at the tip of the stream, as AWS consumers (KCL) do: replaying history is opt-in. */
export const DEFAULT_START_POSITION = 'LATEST';
export const DEFAULT_EVENT_TIME_FEATURE_NAME = 'event_time';
/** Granularity of a view without time windows (tiles then serve nothing; the value only has to be valid). */
export const NO_WINDOW_GRANULARITY = '1m';
/** Granularities the service picks from when the spec omits one, smallest first. */
// biome-ignore format: a table reads better on two lines
export const NICE_GRANULARITIES: readonly number[] = [
  '1s', '2s', '5s', '10s', '15s', '30s', '1m', '2m', '5m', '10m', '15m', '30m', '1h', '2h', '3h', '6h', '12h', '1d',
].map((d) => parseDuration(d)!);

const NAME = new RegExp(NAME_PATTERN);
const STREAM_NAME = new RegExp(STREAM_NAME_PATTERN);
const SAGEMAKER_NAME = new RegExp(SAGEMAKER_NAME_PATTERN);

const fail = (field: string, message: string) => invalidView(field, `${field}: ${message}`);

/** A time window of the spec: where it is and its length in ms. */
interface TimeWindow {
  path: string;
  text: string;
  ms: number;
}

/**
 * Validates `spec` and returns the stored definition with every default explicit: `granularity`,
 * `allowedLateness`, `ttl`, `source.startPosition` (Kinesis) and the SageMaker feature names. Duration strings
 * the client sent are kept as sent; durations the service chose are written by `formatDuration`.
 * @throws EddyError INVALID_FEATURE_VIEW naming the first offending field.
 */
export function resolveView(spec: FeatureViewSpec, version: number, createdAt: Date): FeatureView {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`invalid version ${version}`);
  checkName('/name', spec.name);
  if (
    spec.description !== undefined &&
    (typeof spec.description !== 'string' || spec.description.length > 1024)
  ) {
    throw fail('/description', 'must be a string of at most 1024 characters');
  }
  checkRecordField('/entityKey', spec.entityKey);
  if (spec.eventTime !== undefined) checkRecordField('/eventTime/field', spec.eventTime?.field);
  if (spec.eventIdField !== undefined) checkRecordField('/eventIdField', spec.eventIdField);
  const source = resolveSource(spec.source);

  const { features, windows } = resolveFeatures(spec.features);
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

  const sagemaker = spec.sinks?.sagemaker && resolveSageMaker(spec.sinks.sagemaker, spec.entityKey, features);

  return {
    name: spec.name,
    version,
    createdAt: createdAt.toISOString(),
    ...(spec.description !== undefined && { description: spec.description }),
    entityKey: spec.entityKey,
    ...(spec.eventTime !== undefined && { eventTime: { field: spec.eventTime.field } }),
    source,
    granularity,
    allowedLateness,
    ttl,
    ...(spec.eventIdField !== undefined && { eventIdField: spec.eventIdField }),
    features,
    ...(sagemaker && { sinks: { sagemaker } }),
  };
}

/**
 * True when two definitions mean the same thing: equal after resolving defaults, ignoring `version` and
 * `createdAt`, comparing durations by value (`60s` equals `1m`) and `atTimestamp` by instant. The description and
 * the order of features count. Used for "an unchanged definition sent again is a no-op".
 * @throws EddyError when either definition is invalid (resolve it first to get the error you want to report).
 */
export function sameDefinition(a: FeatureView | FeatureViewSpec, b: FeatureView | FeatureViewSpec): boolean {
  return canonical(a) === canonical(b);
}

function canonical(spec: FeatureViewSpec): string {
  const v = resolveView(spec, 1, new Date(0));
  const ms = (d: string) => parseDuration(d)!;
  const source =
    v.source.type === 'kinesis' && typeof v.source.startPosition === 'object'
      ? { ...v.source, startPosition: { atTimestamp: parseIsoInstant(v.source.startPosition.atTimestamp) } }
      : v.source;
  return JSON.stringify({
    ...v,
    version: undefined,
    createdAt: undefined,
    source,
    granularity: ms(v.granularity),
    allowedLateness: ms(v.allowedLateness),
    ttl: ms(v.ttl),
    features: v.features.map((f) => (f.window === undefined ? f : { ...f, window: ms(f.window) })),
  });
}

function resolveFeatures(specs: FeatureSpec[]): { features: FeatureSpec[]; windows: TimeWindow[] } {
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

function checkWindowsAgainst(granularityMs: number, granularity: string, windows: TimeWindow[]): void {
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
function chooseGranularity(windows: TimeWindow[], latenessMs: number | undefined): number {
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

function resolveSource(source: SourceSpec): SourceSpec {
  if (typeof source !== 'object' || source === null) throw fail('/source', 'a source is required');
  if (source.type === 'push') return { type: 'push' };
  if (source.type !== 'kinesis') throw fail('/source/type', "source type must be 'kinesis' or 'push'");
  const { streamName } = source;
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw fail('/source/streamName', 'a kinesis source needs a streamName');
  }
  if (streamName.length > 128 || !STREAM_NAME.test(streamName)) {
    throw fail('/source/streamName', 'streamName must be 1 to 128 characters of [a-zA-Z0-9_.-]');
  }
  return { type: 'kinesis', streamName, startPosition: resolveStartPosition(source.startPosition) };
}

function resolveStartPosition(position: StartPosition | undefined): StartPosition {
  if (position === undefined) return DEFAULT_START_POSITION;
  if (position === 'LATEST' || position === 'TRIM_HORIZON') return position;
  const at = typeof position === 'object' && position !== null ? position.atTimestamp : undefined;
  if (at === undefined) {
    throw fail('/source/startPosition', "startPosition must be 'LATEST', 'TRIM_HORIZON' or { atTimestamp }");
  }
  if (typeof at !== 'string' || parseIsoInstant(at) === undefined) {
    throw fail('/source/startPosition/atTimestamp', 'atTimestamp must be an ISO-8601 date-time with a zone');
  }
  return { atTimestamp: at };
}

/**
 * Defaults the SageMaker feature names and checks that every name the sink writes is a valid, unreserved and
 * distinct SageMaker feature name, so that PutRecord cannot fail on the definition itself.
 */
function resolveSageMaker(sink: SageMakerSinkSpec, entityKey: string, features: FeatureSpec[]) {
  const base = '/sinks/sagemaker';
  if (typeof sink.featureGroupName !== 'string' || !SAGEMAKER_NAME.test(sink.featureGroupName)) {
    throw fail(`${base}/featureGroupName`, `must match ${SAGEMAKER_NAME_PATTERN}`);
  }
  const recordIdentifierFeatureName = sink.recordIdentifierFeatureName ?? entityKey;
  const eventTimeFeatureName = sink.eventTimeFeatureName ?? DEFAULT_EVENT_TIME_FEATURE_NAME;
  const names: [path: string, name: string, defaulted: boolean][] = [
    [
      `${base}/recordIdentifierFeatureName`,
      recordIdentifierFeatureName,
      sink.recordIdentifierFeatureName === undefined,
    ],
    [`${base}/eventTimeFeatureName`, eventTimeFeatureName, sink.eventTimeFeatureName === undefined],
    ...features.map((f, i): [string, string, boolean] => [`/features/${i}/name`, f.name, false]),
  ];
  const seen = new Map<string, string>();
  for (const [path, name, defaulted] of names) {
    const origin = defaulted ? ` (defaulted from ${defaultSource(path)})` : '';
    if (!SAGEMAKER_NAME.test(name)) {
      throw fail(
        path,
        `'${name}'${origin} is not a valid SageMaker feature name (${SAGEMAKER_NAME_PATTERN})`,
      );
    }
    const key = name.toLowerCase();
    if (SAGEMAKER_RESERVED.has(key))
      throw fail(path, `'${name}'${origin} is a name SageMaker Feature Store reserves`);
    const other = seen.get(key);
    if (other !== undefined) {
      throw fail(
        path,
        `'${name}'${origin} is also the SageMaker feature name at ${other}; the names must differ`,
      );
    }
    seen.set(key, path);
  }
  return { featureGroupName: sink.featureGroupName, recordIdentifierFeatureName, eventTimeFeatureName };
}

const defaultSource = (path: string) =>
  path.endsWith('recordIdentifierFeatureName')
    ? 'entityKey'
    : `the default '${DEFAULT_EVENT_TIME_FEATURE_NAME}'`;

function checkName(path: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name)) throw fail(path, `name must match ${NAME_PATTERN}`);
}

/** Record fields are top-level keys of the incoming JSON objects. `__proto__` is refused: it cannot be a plain key. */
function checkRecordField(path: string, field: unknown): void {
  if (typeof field !== 'string' || field.length === 0 || field.length > MAX_RECORD_FIELD_LENGTH) {
    throw fail(path, `must be a field name of 1 to ${MAX_RECORD_FIELD_LENGTH} characters`);
  }
  if (field === '__proto__') throw fail(path, "'__proto__' cannot be used as a field name");
}

function requiredDuration(path: string, text: string): number {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ms === undefined) throw fail(path, `'${String(text)}' is not a duration (e.g. 500ms, 10s, 5m, 1h, 7d)`);
  return ms;
}

function optionalDuration(path: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : requiredDuration(path, text);
}
