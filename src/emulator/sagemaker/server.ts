import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomSeed, seededRandom } from '../../core/seeded-random.js';
import { type AdminControl, createAdminHandler } from './admin.js';
import { Availability, listen } from './availability.js';
import { CallLog, type CallRecord } from './call-log.js';
import { EmulatorError } from './errors.js';
import { type Faults, mergeFaults, NO_FAULTS } from './faults.js';
import {
  type FeatureGroupDefinition,
  parseFeatureGroupDefinition,
  resolveFeatureGroupName,
} from './feature-group.js';
import { sendError } from './http-io.js';
import { createRuntimeHandler } from './runtime-handler.js';
import { OnlineStore } from './store.js';

/**
 * The emulator binds loopback by default: it accepts any credentials. `host` overrides it only where the network
 * is private to the deployment (docker/compose.yml binds the container's interface).
 */
export const EMULATOR_HOST = '127.0.0.1';

export interface SageMakerEmulatorOptions {
  /** TCP port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Address to bind. @defaultValue EMULATOR_HOST (127.0.0.1) */
  host?: string;
  /** Known feature groups by name. @defaultValue {} */
  featureGroups?: Record<string, FeatureGroupDefinition>;
  /**
   * When set, a PutRecord to an unknown group creates it with this definition. Other operations on unknown groups
   * still get ResourceNotFound. @defaultValue undefined (unknown group -> ResourceNotFound everywhere)
   */
  autoCreate?: FeatureGroupDefinition;
  /** Faults active from the start. @defaultValue none */
  faults?: Partial<Faults>;
  /** Seed of the fault RNG. @defaultValue random (read it back from `seed`) */
  seed?: number;
  /** Clock in epoch ms, for TTL expiry and call timestamps. @defaultValue Date.now */
  now?: () => number;
  /** Calls kept in the log, oldest dropped first. @defaultValue 10000 */
  maxCalls?: number;
  /** Largest request body accepted, bytes. @defaultValue 6 MiB */
  maxBodyBytes?: number;
  /** Called after each runtime API call (not admin calls). Carries keys, never feature values. */
  onCall?: (call: CallRecord) => void;
}

export interface SageMakerEmulator extends Omit<AdminControl, 'goDownFor'> {
  /** `http://127.0.0.1:<port>`: pass as the SDK `endpoint` or the CLI `--endpoint-url`. */
  readonly url: string;
  readonly port: number;
  /** The fault RNG seed in use. */
  readonly seed: number;
  /**
   * `true` closes the listening socket and every open connection (clients get ECONNREFUSED, in-flight calls a
   * reset); `false` listens again on the same port. Resolves once the change is in effect.
   */
  setDown(down: boolean): Promise<void>;
  isDown(): boolean;
  close(): Promise<void>;
}

/** Starts the SageMaker Feature Store runtime emulator on 127.0.0.1. */
export async function startSageMakerEmulator(
  options: SageMakerEmulatorOptions = {},
): Promise<SageMakerEmulator> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? randomSeed();
  const maxBodyBytes = options.maxBodyBytes ?? 6 * 1024 * 1024;
  const store = createStore(options, now);
  const faults: FaultsHolder = { current: mergeFaults({ ...NO_FAULTS }, options.faults ?? {}) };
  const log = new CallLog(options.maxCalls ?? 10_000);
  // Admin calls (goDownFor) arrive only once the server listens, so `availability` is set by then.
  let availability: Availability | undefined;
  const control = adminControl(store, log, faults, (ms) => availability!.goDownFor(ms));
  const runtime = createRuntimeHandler({
    store,
    log,
    rng: seededRandom(seed),
    faults: () => faults.current,
    now,
    maxBodyBytes,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });
  const admin = createAdminHandler(control, maxBodyBytes);
  const server = createServer((req, res) => {
    const handler = req.url?.startsWith('/_emulator/') ? admin : runtime;
    handler(req, res).catch(() => sendError(res, new EmulatorError('InternalFailure', 'Internal failure')));
  });

  const host = options.host ?? EMULATOR_HOST;
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  const up = new Availability(server, port, host);
  availability = up;

  const { goDownFor: _internal, ...publicControl } = control;
  return {
    ...publicControl,
    url: `http://${host === '0.0.0.0' ? EMULATOR_HOST : host}:${port}`,
    port,
    seed,
    setDown: (down) => up.setDown(down),
    isDown: () => up.isDown(),
    close: () => up.close(),
  };
}

/** The faults in effect; the admin API replaces them. */
interface FaultsHolder {
  current: Faults;
}

function createStore(options: SageMakerEmulatorOptions, now: () => number): OnlineStore {
  const store = new OnlineStore(now, options.autoCreate && parseFeatureGroupDefinition(options.autoCreate));
  for (const [name, definition] of Object.entries(options.featureGroups ?? {})) {
    store.define(resolveFeatureGroupName(name), parseFeatureGroupDefinition(definition));
  }
  return store;
}

function adminControl(
  store: OnlineStore,
  log: CallLog,
  faults: FaultsHolder,
  goDownFor: (ms: number) => void,
): AdminControl {
  return {
    defineFeatureGroup: (name, definition) =>
      store.define(resolveFeatureGroupName(name), parseFeatureGroupDefinition(definition)),
    deleteFeatureGroup: (name) => store.drop(name),
    featureGroups: () => store.definitions(),
    records: (featureGroup) => store.records(featureGroup),
    calls: () => log.list(),
    resetCalls: () => log.reset(),
    faults: () => ({ ...faults.current }),
    setFaults: (update) => {
      faults.current = mergeFaults(faults.current, update);
      return { ...faults.current };
    },
    goDownFor,
  };
}
