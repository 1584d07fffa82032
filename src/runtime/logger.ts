/**
 * The process logger (pino, JSON lines). Credentials never reach a log line: Fastify's request serializer logs
 * no headers, and these paths are redacted anyway should a header object ever be logged.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from '../config.js';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'headers.authorization',
  'headers.cookie',
  'authorization',
];

export function createLogger(
  config: Pick<Config, 'logLevel'>,
  bindings: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: bindings,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
