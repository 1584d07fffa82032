/**
 * Historical-features jobs in Redis: one hash per job and two lists (the current run's hidden rows, the published
 * result). Every change that depends on the job's state is one script on the job's hash tag, guarded by the run
 * id (`attempt`): a superseded run (a stalled job that came back) can neither write rows nor publish.
 */
import type { Redis } from 'ioredis';
import type { HistoricalJob, HistoricalJobStatus, HistoricalProgress } from '../../core/historical/job.js';
import type { HistoricalJobs } from '../../ports/historical.js';
import type { HistoricalKeys } from './historical-keys.js';

const READ_CHUNKS = 8;

/** KEYS job, partial; ARGV attempt, now. Claims the job for a run and drops earlier partial rows. */
const START = `
local st = redis.call('HGET', KEYS[1], 'status')
if not st or st == 'cancelled' or st == 'succeeded' or st == 'failed' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'running', 'attempt', ARGV[1])
redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[2])
redis.call('DEL', KEYS[2])
return 1`;

const GUARD = `
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'running' then
  return 0
end`;

/** KEYS job, partial; ARGV attempt, ttlMs, chunk. */
const APPEND = `${GUARD}
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

/** KEYS job; ARGV attempt, progress. */
const PROGRESS = `${GUARD}
redis.call('HSET', KEYS[1], 'progress', ARGV[2])
return 1`;

/** KEYS job, partial, result; ARGV attempt, progress, now, ttlMs. The rows become the result in one step. */
const PUBLISH = `${GUARD}
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RENAME', KEYS[2], KEYS[3])
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
end
local expires = tonumber(ARGV[3]) + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'status', 'succeeded', 'progress', ARGV[2], 'finishedAt', ARGV[3], 'expiresAt', expires)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** KEYS job, partial; ARGV attempt, error, now, ttlMs. */
const FAIL = `${GUARD}
redis.call('DEL', KEYS[2])
local expires = tonumber(ARGV[3]) + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[2], 'finishedAt', ARGV[3], 'expiresAt', expires)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** KEYS job, partial; ARGV now, ttlMs. */
const CANCEL = `
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 0 end
if st == 'queued' or st == 'running' then
  redis.call('DEL', KEYS[2])
  local expires = tonumber(ARGV[1]) + tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finishedAt', ARGV[1], 'expiresAt', expires)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

interface HistoricalCommands {
  eddyHistStart(job: string, partial: string, attempt: string, now: number): Promise<number>;
  eddyHistAppend(job: string, partial: string, attempt: string, ttl: number, chunk: string): Promise<number>;
  eddyHistProgress(job: string, attempt: string, progress: string): Promise<number>;
  eddyHistPublish(
    job: string,
    partial: string,
    result: string,
    attempt: string,
    progress: string,
    now: number,
    ttl: number,
  ): Promise<number>;
  eddyHistFail(
    job: string,
    partial: string,
    attempt: string,
    error: string,
    now: number,
    ttl: number,
  ): Promise<number>;
  eddyHistCancel(job: string, partial: string, now: number, ttl: number): Promise<number>;
}

function withCommands(redis: Redis): Redis & HistoricalCommands {
  const r = redis as Redis & Partial<HistoricalCommands>;
  if (r.eddyHistStart === undefined) {
    redis.defineCommand('eddyHistStart', { numberOfKeys: 2, lua: START });
    redis.defineCommand('eddyHistAppend', { numberOfKeys: 2, lua: APPEND });
    redis.defineCommand('eddyHistProgress', { numberOfKeys: 1, lua: PROGRESS });
    redis.defineCommand('eddyHistPublish', { numberOfKeys: 3, lua: PUBLISH });
    redis.defineCommand('eddyHistFail', { numberOfKeys: 2, lua: FAIL });
    redis.defineCommand('eddyHistCancel', { numberOfKeys: 2, lua: CANCEL });
  }
  return redis as Redis & HistoricalCommands;
}

export interface HistoricalJobTimes {
  /** How long a finished job and its result are kept (ms). */
  resultTtlMs: number;
  /** How long a queued or running job is kept without finishing (ms): the bound of a lost job's keys. */
  jobTtlMs: number;
}

export function redisHistoricalJobs(
  plain: Redis,
  keys: HistoricalKeys,
  times: HistoricalJobTimes,
): HistoricalJobs {
  const redis = withCommands(plain);
  const read = async (id: string): Promise<HistoricalJob | null> => {
    const h = await redis.hgetall(keys.job(id));
    if (h.spec === undefined) return null;
    const n = (v: string | undefined) => (v === undefined ? null : Number(v));
    return {
      id,
      spec: JSON.parse(h.spec),
      status: h.status as HistoricalJobStatus,
      createdAt: Number(h.createdAt),
      startedAt: n(h.startedAt),
      finishedAt: n(h.finishedAt),
      progress: JSON.parse(h.progress ?? '{}') as HistoricalProgress,
      error: h.error === undefined ? null : JSON.parse(h.error),
      expiresAt: Number(h.expiresAt),
    };
  };
  return {
    async create(job) {
      await redis
        .multi()
        .hset(keys.job(job.id), {
          spec: JSON.stringify(job.spec),
          status: 'queued',
          createdAt: job.createdAt,
          progress: JSON.stringify(job.progress),
          expiresAt: job.createdAt + times.jobTtlMs,
        })
        .pexpire(keys.job(job.id), times.jobTtlMs)
        .exec();
    },
    get: read,
    async start(id, attempt) {
      return (await redis.eddyHistStart(keys.job(id), keys.jobPartial(id), attempt, Date.now())) === 1;
    },
    async progress(id, attempt, progress) {
      await redis.eddyHistProgress(keys.job(id), attempt, JSON.stringify(progress));
    },
    async append(id, attempt, lines) {
      if (lines.length === 0) return;
      await redis.eddyHistAppend(
        keys.job(id),
        keys.jobPartial(id),
        attempt,
        times.jobTtlMs,
        lines.join('\n'),
      );
    },
    async publish(id, attempt, progress) {
      const done = await redis.eddyHistPublish(
        keys.job(id),
        keys.jobPartial(id),
        keys.jobResult(id),
        attempt,
        JSON.stringify(progress),
        Date.now(),
        times.resultTtlMs,
      );
      return done === 1;
    },
    async fail(id, attempt, error) {
      await redis.eddyHistFail(
        keys.job(id),
        keys.jobPartial(id),
        attempt,
        JSON.stringify(error),
        Date.now(),
        times.resultTtlMs,
      );
    },
    async cancel(id) {
      await redis.eddyHistCancel(keys.job(id), keys.jobPartial(id), Date.now(), times.resultTtlMs);
      return read(id);
    },
    async *result(id) {
      const key = keys.jobResult(id);
      for (let at = 0; ; at += READ_CHUNKS) {
        const chunks = await redis.lrange(key, at, at + READ_CHUNKS - 1);
        for (const chunk of chunks) yield chunk.split('\n');
        if (chunks.length < READ_CHUNKS) return;
      }
    },
  };
}
