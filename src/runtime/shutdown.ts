/**
 * Graceful shutdown in named phases, each bounded, the whole bounded by a budget:
 *
 *   intake      stop taking new work: the HTTP server stops accepting and finishes requests in flight;
 *               stream readers stop polling
 *   drain       jobs in flight finish (BullMQ workers close after their active job)
 *   flush       sinks flush what they buffered
 *   release     leases are handed back (shards are taken over at once instead of after lease expiry)
 *   disconnect  queues and connections close
 *   services    services this process started for itself stop (a private redis-server, an embedded emulator)
 *
 * Components add steps to phases. Phases run in this order; the steps of one phase run concurrently (order
 * between steps is expressed by putting them in different phases), so one step that hangs does not keep the
 * others of its phase from running. A step that fails or overruns its phase's time is logged and left behind:
 * the next phase starts anyway (safe because every batch is idempotent: whatever was cut short is re-run
 * elsewhere or after a restart). `run` is idempotent: a second call returns the first call's report.
 */
import type { Logger } from 'pino';

export const PHASES = ['intake', 'drain', 'flush', 'release', 'disconnect', 'services'] as const;
export type Phase = (typeof PHASES)[number];

/** Default upper bound of each phase, in ms (the overall budget may cut it shorter). */
export const PHASE_TIMEOUTS_MS: Record<Phase, number> = {
  intake: 3000,
  drain: 5000,
  flush: 3000,
  release: 1000,
  disconnect: 1000,
  services: 1000,
};

export interface PhaseReport {
  phase: Phase;
  outcome: 'done' | 'timed-out' | 'failed';
  ms: number;
  /** Steps that failed or did not finish. */
  unfinished: string[];
}

export interface Shutdown {
  /** Adds a step to a phase. Steps added while shutting down are ignored. */
  add(phase: Phase, name: string, step: () => Promise<unknown> | unknown): void;
  /** Runs every phase; resolves with one report per phase (never rejects). */
  run(): Promise<PhaseReport[]>;
  readonly started: boolean;
}

export interface ShutdownOptions {
  log: Logger;
  /** Overall bound of all phases together, ms. */
  budgetMs: number;
  timeouts?: Partial<Record<Phase, number>>;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const steps = new Map<Phase, { name: string; step: () => Promise<unknown> | unknown }[]>(
    PHASES.map((p) => [p, []]),
  );
  const timeouts = { ...PHASE_TIMEOUTS_MS, ...options.timeouts };
  const log = options.log.child({ component: 'shutdown' });
  let running: Promise<PhaseReport[]> | null = null;

  async function runPhase(phase: Phase, timeoutMs: number): Promise<PhaseReport> {
    const started = Date.now();
    const list = steps.get(phase)!;
    const pending = new Set(list.map((s) => s.name));
    let failed = false;
    const work = Promise.all(
      list.map(async ({ name, step }) => {
        try {
          await step();
          pending.delete(name);
        } catch (err) {
          failed = true;
          log.error({ phase, step: name, err: String(err) }, 'shutdown step failed');
        }
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      work.then(() => false),
      new Promise<boolean>((resolve) => {
        // Not unref'd: a hanging step must not let the process exit before its phase's time is up.
        timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs));
      }),
    ]);
    clearTimeout(timer);
    const report: PhaseReport = {
      phase,
      outcome: timedOut ? 'timed-out' : failed ? 'failed' : 'done',
      ms: Date.now() - started,
      unfinished: [...pending],
    };
    if (timedOut) log.warn({ phase, unfinished: report.unfinished, timeoutMs }, 'shutdown phase timed out');
    else log.info({ phase, ms: report.ms }, 'shutdown phase done');
    return report;
  }

  return {
    get started() {
      return running !== null;
    },
    add(phase, name, step) {
      if (running) return;
      steps.get(phase)!.push({ name, step });
    },
    run() {
      running ??= (async () => {
        const deadline = Date.now() + options.budgetMs;
        const reports: PhaseReport[] = [];
        for (const phase of PHASES) {
          reports.push(await runPhase(phase, Math.min(timeouts[phase], deadline - Date.now())));
        }
        return reports;
      })();
      return running;
    },
  };
}

export interface SignalOptions {
  log: Logger;
  /** Ends the process (process.exit in production; a spy in tests). */
  exit: (code: number) => void;
  /** Where signals come from (process in production). */
  emitter?: NodeJS.EventEmitter;
  signals?: readonly NodeJS.Signals[];
  /** Hard stop after this long even if a phase hangs the event loop's promises (budget plus a margin). */
  hardStopMs: number;
}

/**
 * First signal: run the shutdown, then exit 0 (1 if a phase timed out or failed). Second signal: exit 1 at once.
 */
export function exitOnSignals(shutdown: Shutdown, options: SignalOptions): () => void {
  const emitter = options.emitter ?? process;
  const signals = options.signals ?? (['SIGTERM', 'SIGINT'] as const);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      options.log.warn({ signal }, 'second signal: forcing exit');
      options.exit(1);
      return;
    }
    signalled = true;
    options.log.info({ signal }, 'shutting down');
    const hard = setTimeout(() => {
      options.log.error('shutdown did not finish in time: forcing exit');
      options.exit(1);
    }, options.hardStopMs);
    hard.unref();
    void shutdown.run().then((reports) => {
      clearTimeout(hard);
      const clean = reports.every((r) => r.outcome === 'done');
      options.log.info({ clean }, 'stopped');
      options.exit(clean ? 0 : 1);
    });
  };
  for (const s of signals) emitter.on(s, onSignal);
  return () => {
    for (const s of signals) emitter.off(s, onSignal);
  };
}
