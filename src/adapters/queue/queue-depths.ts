/**
 * Job counts per queue, for the metrics (read on scrape). They are read through Queue handles of their own on a
 * connection of their own that fails fast: a scrape during a Redis outage then fails at once instead of parking
 * BullMQ commands in the offline queue of the connection the workers share (which, once Redis returned, was seen
 * to keep BullMQ workers from closing).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueDepths {
  /** Queue name -> jobs per state, for every queue `queues()` lists now. */
  read(): Promise<Map<string, Record<JobState, number>>>;
  close(): Promise<void>;
}

/** `connect` opens the fail-fast connection (on first use). */
export function queueDepths(connect: () => Redis, queues: () => readonly Queue[]): QueueDepths {
  let connection: Redis | null = null;
  const mirrors = new Map<string, Queue>();
  const mirror = (q: Queue) => {
    const key = `${q.opts.prefix ?? 'bull'}\u0000${q.name}`;
    let m = mirrors.get(key);
    if (!m) {
      connection ??= connect();
      connection.on('error', () => {}); // counted through the request connection's errors; nothing to add here
      m = new Queue(q.name, { connection, prefix: q.opts.prefix });
      mirrors.set(key, m);
    }
    return m;
  };
  return {
    async read() {
      const list = queues();
      const counts = await Promise.all(list.map((q) => mirror(q).getJobCounts(...JOB_STATES)));
      return new Map(
        list.map((q, i) => [
          q.name,
          Object.fromEntries(JOB_STATES.map((s) => [s, counts[i]?.[s] ?? 0])) as Record<JobState, number>,
        ]),
      );
    },
    async close() {
      await Promise.all([...mirrors.values()].map((m) => m.close().catch(() => {})));
      connection?.disconnect();
    },
  };
}
