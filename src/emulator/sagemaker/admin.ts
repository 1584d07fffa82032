import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecord } from './call-log.js';
import { EmulatorError, featureGroupNotFound, validationError } from './errors.js';
import type { Faults } from './faults.js';
import {
  type FeatureGroupDefinition,
  parseFeatureGroupDefinition,
  resolveFeatureGroupName,
} from './feature-group.js';
import { parseJson, readBody, sendError, sendJson } from './http-io.js';
import type { OnlineRecord } from './store.js';

/** The control surface the admin endpoints drive; the programmatic handle offers the same. */
export interface AdminControl {
  defineFeatureGroup(name: string, definition: FeatureGroupDefinition): void;
  deleteFeatureGroup(name: string): boolean;
  featureGroups(): Record<string, FeatureGroupDefinition>;
  records(featureGroup: string): OnlineRecord[];
  calls(): CallRecord[];
  resetCalls(): void;
  faults(): Faults;
  setFaults(update: Partial<Faults>): Faults;
  /** Refuses connections for `ms`, then listens again on the same port. */
  goDownFor(ms: number): void;
}

const MAX_DOWN_MS = 600_000;
const GROUP_PATH = /^\/_emulator\/feature-groups\/([^/]+)(\/records)?$/;

/**
 * Admin endpoints under `/_emulator/` (never faulted, unreachable while down):
 *   GET /_emulator/health                           -> {"status":"ok"}
 *   GET /_emulator/feature-groups                   -> {"featureGroups":{name: definition}}
 *   PUT /_emulator/feature-groups/{name}            body: definition -> {"name", "definition"}
 *   DELETE /_emulator/feature-groups/{name}         -> 204 (group and its records gone)
 *   GET /_emulator/feature-groups/{name}/records    -> {"records":[{recordIdentifier, eventTime, expiresAt?, record}]}
 *   GET /_emulator/calls, DELETE /_emulator/calls   -> {"calls":[...]} / 204
 *   GET /_emulator/faults                           -> current faults
 *   POST /_emulator/faults  body: partial faults, plus `"down": true, "downForMs": n` -> faults after the update
 * `down: true` needs `downForMs`: once down, this endpoint cannot be reached to bring the server back.
 */
export function createAdminHandler(control: AdminControl, maxBodyBytes: number) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const text = await readBody(req, maxBodyBytes);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const reply = route(control, req.method ?? 'GET', path, text);
      sendJson(res, reply.status, reply.body);
      if (reply.downForMs !== undefined) {
        // Only after the reply is out: going down destroys this very connection.
        const ms = reply.downForMs;
        res.once('finish', () => control.goDownFor(ms));
      }
    } catch (error) {
      sendError(
        res,
        error instanceof EmulatorError ? error : new EmulatorError('InternalFailure', 'Internal failure'),
      );
    }
  };
}

interface Reply {
  status: number;
  body?: unknown;
  downForMs?: number;
}

function route(control: AdminControl, method: string, path: string, text: string): Reply {
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /_emulator/health':
      return { status: 200, body: { status: 'ok' } };
    case 'GET /_emulator/feature-groups':
      return { status: 200, body: { featureGroups: control.featureGroups() } };
    case 'GET /_emulator/calls':
      return { status: 200, body: { calls: control.calls() } };
    case 'DELETE /_emulator/calls':
      control.resetCalls();
      return { status: 204 };
    case 'GET /_emulator/faults':
      return { status: 200, body: { ...control.faults(), down: false } };
    case 'POST /_emulator/faults':
      return postFaults(control, parseJson(text));
  }
  const m = GROUP_PATH.exec(path);
  if (m) {
    const name = resolveFeatureGroupName(decodeURIComponent(m[1]!));
    if (m[2] && method === 'GET') return { status: 200, body: { records: control.records(name) } };
    if (!m[2] && method === 'PUT') {
      const definition = parseFeatureGroupDefinition(parseJson(text));
      control.defineFeatureGroup(name, definition);
      return { status: 200, body: { name, definition } };
    }
    if (!m[2] && method === 'DELETE') {
      if (!control.deleteFeatureGroup(name)) throw featureGroupNotFound(name);
      return { status: 204 };
    }
  }
  throw new EmulatorError('UnknownOperationException', `No admin endpoint ${method} ${path}`);
}

function postFaults(control: AdminControl, body: unknown): Reply {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw validationError('faults must be an object');
  const { down, downForMs, ...rest } = body as Record<string, unknown>;
  if (down !== undefined && typeof down !== 'boolean') throw validationError('down must be a boolean');
  if (down === true && !(typeof downForMs === 'number' && downForMs > 0 && downForMs <= MAX_DOWN_MS)) {
    throw validationError(
      `down: true needs downForMs in (0, ${MAX_DOWN_MS}]: while down this endpoint is unreachable, so it cannot be switched back`,
    );
  }
  if (down !== true && downForMs !== undefined)
    throw validationError('downForMs is only valid with down: true');
  const faults = control.setFaults(rest as Partial<Faults>);
  return {
    status: 200,
    body: { ...faults, down: down === true },
    ...(down === true ? { downForMs: downForMs as number } : {}),
  };
}
