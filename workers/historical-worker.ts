/**
 * Runs historical-features jobs (services/historical/run-historical-job.ts): a BullMQ Worker on the
 * `historical-features` queue, `concurrency` jobs at once per process. A job whose worker died stalls and runs
 * again from the start (each run has its own id; the job's hash refuses a superseded run's rows and publish).
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { bullPrefix } from '../src/adapters/queue/bull-prefix.js';
import { HISTORICAL_QUEUE, type HistoricalJobData } from '../src/adapters/queue/registry.js';
import { NEVER_FAIL_STALLED } from '../src/adapters/queue/stall-policy.js';
import { type HistoricalRunDeps, runHistoricalJob } from '../src/services/historical/run-historical-job.js';

export interface HistoricalWorker {
  running(): boolean;
  close(): Promise<void>;
}

export function startHistoricalWorker(options: {
  deps: HistoricalRunDeps;
  connection: Redis;
  keyPrefix: string;
  concurrency: number;
  log: Logger;
}): HistoricalWorker {
  const log = options.log.child({ component: 'historical-features' });
  const worker = new Worker<HistoricalJobData>(
    HISTORICAL_QUEUE,
    async (job) => {
      const attempt = randomUUID();
      log.info({ job: job.data.id, attempt }, 'historical-features job started');
      const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await runHistoricalJob(options.deps, job.data.id, attempt, lastTry);
      log.info({ job: job.data.id, attempt }, 'historical-features job ended');
    },
    {
      connection: options.connection,
      prefix: bullPrefix(options.connection, options.keyPrefix, HISTORICAL_QUEUE),
      concurrency: options.concurrency,
      maxStalledCount: NEVER_FAIL_STALLED,
    },
  );
  worker.on('error', (err) => log.error({ err: String(err) }, 'historical worker error'));
  worker.on('failed', (job, err) =>
    log.warn({ job: job?.id, err: String(err) }, 'historical job run failed'),
  );
  let closed = false;
  return {
    running: () => !closed && worker.isRunning(),
    async close() {
      closed = true;
      await worker.close();
    },
  };
}
