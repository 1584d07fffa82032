/** The source of a view spec: a push lane or a Kinesis stream with its start position. */
import type { SourceSpec, StartPosition } from './feature-view.js';
import { parseIsoInstant } from './record-event-time.js';
import { fail, STREAM_NAME_PATTERN } from './view-spec-checks.js';

/** New Kinesis views start at the tip of the stream, as AWS consumers (KCL) do: replaying history is opt-in. */
export const DEFAULT_START_POSITION = 'LATEST';

const STREAM_NAME = new RegExp(STREAM_NAME_PATTERN);

export function resolveSource(source: SourceSpec): SourceSpec {
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
