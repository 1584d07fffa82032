/**
 * Drops the records of a job that has been applied. Completed jobs stay in Redis for a while (their result, and
 * their id, which a re-added job of the same id finds), and a job's records are most of its size: a push-lane
 * job of 2,500 readings is about 120 KB, a Kinesis page of 10,000 about 330 KB, so at full speed the retained
 * jobs alone held hundreds of MB to GBs of the same Redis that holds the online state.
 *
 * Contract: called by a processor after the job's batch has been applied and counted (or dead-lettered), with
 * the job's data emptied of its records (push-job-codec.ts `withoutEvents`, kinesis-job-codec.ts `withoutRecords`). A job
 * run again after this (the process stopped before BullMQ marked it completed, so it stalled and came back)
 * applies no record: every record it had was applied or dead-lettered before the call. Failing to release is
 * logged and otherwise ignored: the records then stay until the job is removed, as before.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';

export async function dropAppliedRecords<D>(job: Job<D>, emptied: D, log: Logger): Promise<void> {
  try {
    await job.updateData(emptied);
  } catch (err) {
    log.warn(
      { job: job.id, queue: job.queueName, err: String(err) },
      'could not drop the records of an applied job; they stay until the job is removed',
    );
  }
}
