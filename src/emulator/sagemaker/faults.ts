import type { Rng } from '../../core/seeded-random.js';
import { EmulatorError, validationError } from './errors.js';

export type ServerErrorType = 'InternalFailure' | 'ServiceUnavailable';
export type FaultKind = 'throttle' | ServerErrorType;

/** Injected faults for runtime API calls (admin endpoints are never faulted). */
export interface Faults {
  /** Share of calls answered 400 ThrottlingException, in [0, 1]. @defaultValue 0 */
  throttleRate: number;
  /** Share of the remaining calls answered with a server error, in [0, 1]. @defaultValue 0 */
  errorRate: number;
  /** Which server error `errorRate` produces; `mixed` draws 500 or 503 with equal odds. @defaultValue 'mixed' */
  errorType: ServerErrorType | 'mixed';
  /** Delay before every runtime response, in ms, faulted or not. @defaultValue 0 */
  latencyMs: number;
}

export const NO_FAULTS: Readonly<Faults> = {
  throttleRate: 0,
  errorRate: 0,
  errorType: 'mixed',
  latencyMs: 0,
};

/** Merges a partial update (options, env JSON or the admin body) into `base`; unknown keys are rejected. */
export function mergeFaults(base: Faults, input: unknown, ignore: readonly string[] = []): Faults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw validationError('faults must be an object');
  }
  const next = { ...base };
  for (const [key, value] of Object.entries(input)) {
    if (ignore.includes(key)) continue;
    switch (key) {
      case 'throttleRate':
      case 'errorRate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1))
          throw validationError(`${key} must be in [0, 1]`);
        next[key] = value;
        break;
      case 'latencyMs':
        if (typeof value !== 'number' || !(value >= 0 && value <= 600_000)) {
          throw validationError('latencyMs must be in [0, 600000]');
        }
        next.latencyMs = value;
        break;
      case 'errorType':
        if (value !== 'InternalFailure' && value !== 'ServiceUnavailable' && value !== 'mixed') {
          throw validationError('errorType must be InternalFailure, ServiceUnavailable or mixed');
        }
        next.errorType = value;
        break;
      default:
        throw validationError(`unknown fault setting '${key}'`);
    }
  }
  return next;
}

/** Draws the fault for one call, or undefined. Consumes the RNG only for non-zero rates. */
export function drawFault(faults: Faults, rng: Rng): { kind: FaultKind; error: EmulatorError } | undefined {
  if (faults.throttleRate > 0 && rng() < faults.throttleRate) {
    return {
      kind: 'throttle',
      error: new EmulatorError('ThrottlingException', 'Rate exceeded (injected by emulator)'),
    };
  }
  if (faults.errorRate > 0 && rng() < faults.errorRate) {
    const type: ServerErrorType =
      faults.errorType !== 'mixed'
        ? faults.errorType
        : rng() < 0.5
          ? 'InternalFailure'
          : 'ServiceUnavailable';
    const message =
      type === 'InternalFailure'
        ? 'An internal error occurred (injected by emulator)'
        : 'Service is unavailable (injected by emulator)';
    return { kind: type, error: new EmulatorError(type, message) };
  }
  return undefined;
}
