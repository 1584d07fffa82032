/**
 * The replay loop: every `tickMs`, hands the readings that fell due to `send` (one call at a time, never
 * overlapping) until the schedule is done or `signal` aborts. Time and sleeping are injected.
 */
import type { ReplayRecord, ReplaySchedule } from './replay-schedule.js';

export interface ReplayOptions {
  schedule: ReplaySchedule;
  send: (records: ReplayRecord[]) => Promise<void>;
  signal: AbortSignal;
  /** @defaultValue 200 */
  tickMs?: number;
  /** Called after each send with the readings sent so far. */
  onProgress?: (sent: number, elapsedMs: number) => void;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Resolves when the replay is done (true) or aborted (false). A failing `send` rejects. */
export async function runReplay(options: ReplayOptions): Promise<boolean> {
  const { schedule, send, signal } = options;
  const tickMs = options.tickMs ?? 200;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const started = now();
  let tick = 0;
  while (!schedule.done) {
    if (signal.aborted) return false;
    const elapsed = now() - started;
    const due = schedule.take(elapsed);
    if (due.length > 0) {
      await send(due);
      options.onProgress?.(schedule.sent, elapsed);
    }
    tick++;
    await sleep(started + tick * tickMs - now(), signal);
  }
  return true;
}
