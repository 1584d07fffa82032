/** The counters, gauges and histograms Eddy updates as it works, registered on one runtime's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type Instruments = ReturnType<typeof createInstruments>;

export function createInstruments(registry: Registry) {
  const registers = [registry];
  const records = new Counter({
    name: 'eddy_records_total',
    help: 'Records by view and outcome (accepted, rejected, late, duplicate, filtered), as counted into the view counters',
    labelNames: ['view', 'outcome'] as const,
    registers,
  });
  const batchApply = new Histogram({
    name: 'eddy_batch_apply_seconds',
    help: 'Wall time to apply one micro-batch to the online store, by source kind (push, kinesis)',
    labelNames: ['source'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const onlineRead = new Histogram({
    name: 'eddy_online_read_seconds',
    help: 'Wall time of one online read (one or many entities), by view',
    labelNames: ['view'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });
  const behind = new Gauge({
    name: 'eddy_kinesis_millis_behind_latest',
    help: 'MillisBehindLatest of the last GetRecords call, per shard read by this process',
    labelNames: ['stream', 'shard'] as const,
    registers,
  });
  const sinkWrites = new Counter({
    name: 'eddy_sagemaker_writes_total',
    help: 'SageMaker Feature Store PutRecord writes by feature group and outcome (written, retried, failed, dead_lettered)',
    labelNames: ['feature_group', 'outcome'] as const,
    registers,
  });
  const redisErrors = new Counter({
    name: 'eddy_redis_errors_total',
    help: 'Error events of the Redis connections, by connection',
    labelNames: ['connection'] as const,
    registers,
  });
  const http = new Histogram({
    name: 'eddy_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const collectErrors = new Counter({
    name: 'eddy_metrics_collect_errors_total',
    help: 'Scrape-time reads of Redis that failed or timed out, by collector',
    labelNames: ['collector'] as const,
    registers,
  });
  return { records, batchApply, onlineRead, behind, sinkWrites, redisErrors, http, collectErrors };
}
