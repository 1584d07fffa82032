/**
 * An open-loop load at a fixed rate, for latency below saturation: request i is sent at `start + i / rate`,
 * whether or not earlier ones have been answered, to target i mod n, on a pool of keep-alive connections
 * (node:http's agent; a request waits for a free connection only when every one is busy, and that wait counts
 * in its latency). autocannon's own rate is a budget per connection and second: each connection sends its share
 * back to back at the start of every second and then idles, so its latency "at N req/s" is the queueing of a
 * saturated burst, not the time a request takes.
 *
 * Node's timers fire on whole milliseconds: a timer late by a fraction of one sends the requests that fell due
 * meanwhile at once (at 1,000 req/s now and then two together).
 */
import http from 'node:http';
import type { LoadResult, PacedSpec } from './load.js';
import { percentile } from './stats.js';

interface Tally {
  latencies: number[];
  errors: number;
  non2xx: number;
}

export function pacedLoad(spec: PacedSpec): Promise<LoadResult[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const targets = spec.targets.map((t) => ({
    url: new URL(t.url),
    method: t.method,
    body: t.body,
    headers: { ...(t.body !== undefined ? { 'content-type': 'application/json' } : {}), ...t.headers },
  }));
  const tallies: Tally[] = targets.map(() => ({ latencies: [], errors: 0, non2xx: 0 }));
  const intervalMs = 1000 / spec.overallRate;
  const total = Math.max(targets.length, Math.round(spec.durationS * spec.overallRate));
  let sent = 0;
  let done = 0;
  const startedAtMs = Date.now();
  const start = performance.now();

  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      const elapsedS = (performance.now() - start) / 1000;
      resolve(
        tallies.map(({ latencies, errors, non2xx }) => {
          latencies.sort((a, b) => a - b);
          return {
            startedAtMs,
            requests: latencies.length,
            errors,
            non2xx,
            elapsedS,
            rps: latencies.length / elapsedS,
            p50Ms: percentile(latencies, 0.5),
            p99Ms: percentile(latencies, 0.99),
            maxMs: latencies[latencies.length - 1] ?? 0,
          };
        }),
      );
    };
    const settle = () => {
      done++;
      if (done === total) finish();
    };
    const send = (i: number) => {
      const target = targets[i % targets.length]!;
      const tally = tallies[i % targets.length]!;
      const t0 = performance.now();
      const req = http.request(
        target.url,
        { method: target.method, headers: target.headers, agent, timeout: (spec.timeoutS ?? 10) * 1000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) tally.latencies.push(performance.now() - t0);
            else tally.non2xx++;
            settle();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        tally.errors++;
        settle();
      });
      req.end(target.body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (sent < due) send(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
}
