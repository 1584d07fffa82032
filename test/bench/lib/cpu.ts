/**
 * CPU time of a process (user + system, from /proc/<pid>/stat; Linux only) and of the Redis server (INFO cpu),
 * and how long a process's main thread sat ready to run but waiting for a CPU (/proc/<pid>/schedstat: the
 * scheduler's run-queue wait). Under a busy machine, CPU per request moves far less than requests per second: the
 * figures use them to say which process sets the ceiling, and whether it was short of a core.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Seconds of CPU the process has used so far, or NaN where /proc is unavailable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Seconds the process's main thread has waited on a run queue (ready, no CPU free) so far; NaN without /proc. */
export function runQueueWaitSeconds(pid: number): number {
  try {
    const [, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    return Number(waitNs) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** Seconds of CPU the Redis server has used so far (main thread and children). */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string) => Number(info.match(new RegExp(`^${name}:([\\d.]+)`, 'm'))?.[1] ?? Number.NaN);
  return get('used_cpu_sys') + get('used_cpu_user');
}

/**
 * Runs `work` and returns its result with the CPU seconds each process used meanwhile, and the seconds each
 * process's main thread waited for a CPU.
 */
export async function measureCpu<T>(
  pids: Record<string, number>,
  redis: Redis | null,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: Record<string, number>; waited: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuSeconds(pid)]));
  const waitBefore = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, runQueueWaitSeconds(pid)]),
  );
  const redisBefore = redis ? await redisCpuSeconds(redis) : 0;
  const result = await work();
  const cpu: Record<string, number> = {};
  const waited: Record<string, number> = {};
  for (const [k, pid] of Object.entries(pids)) {
    cpu[k] = processCpuSeconds(pid) - before[k]!;
    waited[k] = runQueueWaitSeconds(pid) - waitBefore[k]!;
  }
  if (redis) cpu.redis = (await redisCpuSeconds(redis)) - redisBefore;
  return { result, cpu, waited };
}

/**
 * CPU seconds each of the Redis servers at `urls` has used so far (a cluster's nodes, or one server), read
 * together; `stop()` closes the connections.
 */
export function redisServersCpu(urls: readonly string[]) {
  const clients = urls.map((url) => new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 }));
  return {
    read: () => Promise.all(clients.map((c) => redisCpuSeconds(c))),
    stop: () => {
      for (const c of clients) c.disconnect();
    },
  };
}
