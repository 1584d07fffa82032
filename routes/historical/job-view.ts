import type { HistoricalJob } from '../../src/core/historical/job.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A job as the API shows it. */
export function jobView(job: HistoricalJob) {
  const self = `/v1/feature-views/${encodeURIComponent(job.spec.view)}/historical-features/${job.id}`;
  return {
    id: job.id,
    featureView: job.spec.view,
    version: job.spec.version,
    status: job.status,
    boundary: job.spec.boundary,
    createdAt: iso(job.createdAt)!,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    expiresAt: iso(job.expiresAt)!,
    progress: job.progress,
    error: job.error,
    links: { self, result: `${self}/result` },
  };
}
