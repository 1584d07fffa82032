/**
 * Readiness (`GET /readyz`) as a list of named probes that components register: Redis answers, this process's
 * workers and readers run, lag is under its bound. The process is ready when every probe says so.
 *
 * A probe answers `{ ok: true }` or `{ ok: false, reason }`; one that throws or does not answer within the
 * timeout counts as not ready. Probes run concurrently.
 */
export type ProbeResult = { ok: true } | { ok: false; reason: string };
export type Probe = () => ProbeResult | Promise<ProbeResult>;

export interface ReadinessReport {
  ready: boolean;
  /** Probe name -> `ok` or the reason it is not ready. */
  checks: Record<string, string>;
}

export interface Readiness {
  /** Adds a probe; names are unique (a second registration under the same name replaces the first). */
  register(name: string, probe: Probe): void;
  check(timeoutMs?: number): Promise<ReadinessReport>;
}

/** Default bound of one probe. */
export const PROBE_TIMEOUT_MS = 1000;

export function createReadiness(): Readiness {
  const probes = new Map<string, Probe>();
  return {
    register(name, probe) {
      probes.set(name, probe);
    },
    async check(timeoutMs = PROBE_TIMEOUT_MS) {
      const entries = [...probes];
      const results = await Promise.all(entries.map(([, probe]) => runProbe(probe, timeoutMs)));
      const checks: Record<string, string> = {};
      entries.forEach(([name], i) => {
        const r = results[i]!;
        checks[name] = r.ok ? 'ok' : r.reason;
      });
      return { ready: results.every((r) => r.ok), checks };
    },
  };
}

async function runProbe(probe: Probe, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(probe),
      new Promise<ProbeResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    return {
      ok: false,
      reason: `failed: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Ready while `lagMs()` is at most `maxLagMs` (a null lag, i.e. nothing to lag behind, is ready). */
export function lagProbe(lagMs: () => number | null, maxLagMs: number): Probe {
  return () => {
    const lag = lagMs();
    return lag === null || lag <= maxLagMs
      ? { ok: true }
      : { ok: false, reason: `lag ${lag} ms is above ${maxLagMs} ms` };
  };
}
