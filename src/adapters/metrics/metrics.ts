/**
 * The Prometheus metrics of one runtime (prom-client). Each call builds its own Registry (never prom-client's
 * global default), so a test process can build several apps side by side.
 *
 * Components report through the small interfaces of src/ports/metrics.ts; a component that needs a metric of
 * its own registers it on `registry` (`new Counter({ registers: [metrics.registry], ... })`). Gauges that
 * reflect Redis state (queue depths, dead-letter sizes) are read on scrape, each bounded by a timeout, so a
 * slow or absent Redis never blocks `/metrics`.
 */
import { type Counter, collectDefaultMetrics, Gauge, type Histogram, Registry } from 'prom-client';
import type {
  IngestMetrics,
  ReadMetrics,
  RecordOutcome,
  SinkMetrics,
  SinkWriteOutcome,
  SourceKind,
  StreamMetrics,
} from '../../ports/metrics.js';
import { createInstruments } from './instruments.js';

export interface MetricsSources {
  /** Queue name -> jobs per state (waiting, active, ...), read on scrape. */
  queueDepths: () => Promise<ReadonlyMap<string, Readonly<Record<string, number>>>>;
  /** Dead letters kept per view, read on scrape. */
  deadLetterSizes: () => Promise<ReadonlyMap<string, number>>;
}

export interface EddyMetrics extends IngestMetrics, ReadMetrics, StreamMetrics, SinkMetrics {
  /** This runtime's registry: add component-specific metrics here. */
  readonly registry: Registry;
  /** Counts an error event of a Redis connection (`request`, `worker`, ...). */
  redisError(connection: string): void;
  /** Observes one HTTP request (route is the route pattern, never the raw URL). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Upper bound of each scrape-time read of Redis. */
const COLLECT_TIMEOUT_MS = 2000;

export function createMetrics(sources: MetricsSources): EddyMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'eddy_' });

  const { records, batchApply, onlineRead, behind, sinkWrites, redisErrors, http, collectErrors } =
    createInstruments(registry);
  registerScrapeGauges(registry, sources, collectErrors);
  const observeHttp = httpObserver(http);

  const lag = new Map<string, number>();
  const shardKey = (stream: string, shard: string) => `${stream}\u0000${shard}`;

  return {
    registry,
    countRecords(view: string, outcome: RecordOutcome, n: number) {
      if (n > 0) records.inc({ view, outcome }, n);
    },
    observeBatchApply(source: SourceKind, seconds: number) {
      batchApply.observe({ source }, seconds);
    },
    observeOnlineRead(view: string, seconds: number) {
      onlineRead.observe({ view }, seconds);
    },
    setMillisBehindLatest(stream: string, shard: string, ms: number) {
      lag.set(shardKey(stream, shard), ms);
      behind.set({ stream, shard }, ms);
    },
    forgetShard(stream: string, shard: string) {
      lag.delete(shardKey(stream, shard));
      behind.remove({ stream, shard });
    },
    maxMillisBehindLatest() {
      return lag.size === 0 ? null : Math.max(...lag.values());
    },
    countSinkWrites(featureGroup: string, outcome: SinkWriteOutcome, n = 1) {
      sinkWrites.inc({ feature_group: featureGroup, outcome }, n);
    },
    redisError(connection: string) {
      redisErrors.inc({ connection });
    },
    observeHttp,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Gauges of Redis state read on scrape, each read bounded by COLLECT_TIMEOUT_MS; a failed read is counted. */
function registerScrapeGauges(
  registry: Registry,
  sources: MetricsSources,
  collectErrors: Counter<'collector'>,
): void {
  const registers = [registry];
  new Gauge({
    name: 'eddy_queue_jobs',
    help: 'Jobs per BullMQ queue and state, read on scrape',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      try {
        for (const [queue, counts] of await bounded(sources.queueDepths())) {
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      } catch {
        collectErrors.inc({ collector: 'queue_jobs' });
      }
    },
  });
  new Gauge({
    name: 'eddy_dead_letters',
    help: 'Dead letters kept per view, read on scrape',
    labelNames: ['view'] as const,
    registers,
    async collect() {
      this.reset();
      try {
        for (const [view, size] of await bounded(sources.deadLetterSizes())) this.set({ view }, size);
      } catch {
        collectErrors.inc({ collector: 'dead_letters' });
      }
    },
  });
}

/**
 * Observes one HTTP request. One labelled child per (method, route pattern, status): hashing the labels on every
 * request costs more than the observation. Bounded like the labels themselves (route patterns, not URLs).
 */
function httpObserver(http: Histogram<'method' | 'route' | 'status_code'>): EddyMetrics['observeHttp'] {
  const children = new Map<string, { observe(seconds: number): void }>();
  return (method, route, status, seconds) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = http.labels({ method, route, status_code: String(status) });
      children.set(key, child);
    }
    child.observe(seconds);
  };
}

function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), COLLECT_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
