import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng } from '../../core/seeded-random.js';
import type { CallLog, CallRecord } from './call-log.js';
import { EmulatorError } from './errors.js';
import { drawFault, type Faults } from './faults.js';
import { resolveFeatureGroupName } from './feature-group.js';
import { parseJson, readBody, sendError, sendJson } from './http-io.js';
import { batchGetRecord } from './operations/batch-get-record.js';
import { deleteRecord } from './operations/delete-record.js';
import { getRecord } from './operations/get-record.js';
import { putRecord } from './operations/put-record.js';
import type { OperationResult } from './operations/result.js';
import { matchRoute, type RouteMatch } from './routes.js';
import { isSignedForSageMaker } from './signature.js';
import type { OnlineStore } from './store.js';

export interface RuntimeDeps {
  store: OnlineStore;
  log: CallLog;
  rng: Rng;
  faults: () => Faults;
  /** Epoch ms. */
  now: () => number;
  maxBodyBytes: number;
  onCall?: (call: CallRecord) => void;
}

/**
 * Serves the Feature Store runtime API. Order per call: read the body, wait `latencyMs`, resolve the group name,
 * draw an injected fault (no state change when one fires), run the operation. Every call lands in the call log.
 */
export function createRuntimeHandler(deps: RuntimeDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const method = req.method ?? 'GET';
    const route = matchRoute(method, path);
    const call: CallRecord = {
      seq: deps.log.nextSeq(),
      at: deps.now(),
      operation: route.operation,
      method,
      path,
      status: 0,
      signed: isSignedForSageMaker(req.headers.authorization),
      durationMs: 0,
    };
    const id = query.get('RecordIdentifierValueAsString');
    if (id !== null && route.operation !== 'BatchGetRecord') call.recordIdentifier = id;

    let status: number;
    try {
      const text = await readBody(req, deps.maxBodyBytes);
      const faults = deps.faults();
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (route.operation === 'Unknown') {
        throw new EmulatorError(
          'UnknownOperationException',
          `No operation matches ${method} ${path}; the emulator serves PutRecord, GetRecord, BatchGetRecord and DeleteRecord`,
        );
      }
      if (route.featureGroupLabel !== undefined)
        call.featureGroup = resolveFeatureGroupName(route.featureGroupLabel);
      const fault = drawFault(faults, deps.rng);
      if (fault) {
        call.fault = fault.kind;
        throw fault.error;
      }
      const result = run(deps.store, route, call.featureGroup ?? '', text, query);
      if (result.recordIdentifier !== undefined) call.recordIdentifier = result.recordIdentifier;
      if (result.applied !== undefined) call.applied = result.applied;
      status = sendJson(res, result.status, result.body) ? result.status : 0;
    } catch (error) {
      // Unexpected errors become a bare 500: no stack or payload leaves the process.
      const known =
        error instanceof EmulatorError ? error : new EmulatorError('InternalFailure', 'Internal failure');
      call.errorType = known.type;
      status = sendError(res, known) ? known.status : 0;
    }
    call.status = status;
    call.durationMs = Math.round(performance.now() - started);
    deps.log.add(call);
    deps.onCall?.({ ...call });
  };
}

function run(
  store: OnlineStore,
  route: RouteMatch,
  featureGroup: string,
  text: string,
  query: URLSearchParams,
): OperationResult {
  switch (route.operation) {
    case 'PutRecord':
      return putRecord(store, featureGroup, parseJson(text));
    case 'GetRecord':
      return getRecord(store, featureGroup, query);
    case 'DeleteRecord':
      return deleteRecord(store, featureGroup, query);
    case 'BatchGetRecord':
      return batchGetRecord(store, parseJson(text));
    default:
      throw new EmulatorError('UnknownOperationException', `Unknown operation ${route.operation}`);
  }
}
