/**
 * Writes one pending entity to SageMaker until its pending mark is settled.
 *
 * Contract with the pending set (ports/sagemaker-sink-store.ts): the generation is read *before* the entity's
 * state, and the member is removed only if the generation is unchanged after the write. A change that lands
 * while a write is in flight bumps the generation, so the entity is written again with its newest state, at most
 * once per linger window (coalescing). Each write is retried with full-jitter backoff on throttling, 5xx and
 * network errors; a write that still fails (or is refused: validation, other 4xx) goes to the sink's
 * dead-letter queue and the entity is settled; its next change or a replay writes it again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SageMakerSinkConfig } from '../../config.js';
import { fullJitterDelay } from '../../core/backoff.js';
import { evaluate, watermarkOf } from '../../core/engine.js';
import {
  contentDigest,
  formatEventTime,
  recordContent,
  ttlDuration,
  withEventTime,
} from '../../core/sagemaker-record.js';
import { planWrite, type SentMemo } from '../../core/sagemaker-write-plan.js';
import type { EntityStore } from '../../ports/entity-store.js';
import type {
  FeatureStoreWriter,
  PutRecordFailure,
  PutRecordRequest,
} from '../../ports/feature-store-writer.js';
import type {
  PendingEntity,
  SinkDeadLetterStore,
  SinkPendingSet,
  SinkStats,
} from '../../ports/sagemaker-sink-store.js';
import type { SinkLookup, SinkTarget } from './sink-lookup.js';

/** Outcome counts for a metrics module (same shape as ports/metrics.ts `SinkMetrics`). */
export interface SinkWriteMetrics {
  countSinkWrites(featureGroup: string, outcome: 'written' | 'retried' | 'failed' | 'dead_lettered'): void;
}

export interface WriteEntityDeps {
  lookup: SinkLookup;
  entities: EntityStore;
  pending: SinkPendingSet;
  deadLetters: SinkDeadLetterStore;
  stats: SinkStats;
  writer: FeatureStoreWriter;
  settings: SageMakerSinkConfig;
  log: Logger;
  metrics?: SinkWriteMetrics;
  random?: () => number;
}

/** Resolves when the entity is settled (or, when `signal` aborts, with the entity left pending). */
export async function writePendingEntity(
  deps: WriteEntityDeps,
  view: string,
  start: PendingEntity,
  signal: AbortSignal,
): Promise<void> {
  let generation = start.generation;
  let lastSendAt: number | null = null;
  for (;;) {
    if (lastSendAt !== null) {
      // Changed while it was being written: write again, once the linger window since the last write is over.
      if (!(await pause(lastSendAt + deps.settings.lingerMs - Date.now(), signal))) return;
      const next = await deps.pending.generation(view, start.member);
      if (next === null) return;
      generation = next;
    }
    const sentAt = Date.now();
    const outcome = await writeCurrentState(deps, view, start, signal);
    if (outcome === 'aborted') return;
    if (outcome === 'sent') lastSendAt = sentAt;
    if (await deps.pending.settle(view, start.member, generation)) return;
    lastSendAt ??= sentAt;
  }
}

type WriteOutcome = 'sent' | 'skipped' | 'aborted';

async function writeCurrentState(
  deps: WriteEntityDeps,
  view: string,
  p: PendingEntity,
  signal: AbortSignal,
): Promise<WriteOutcome> {
  const target = await deps.lookup(view, p.version);
  if (!target) return 'skipped'; // view deleted, or this version has no sink
  const [[loaded], memo] = await Promise.all([
    deps.entities.load(view, p.version, [p.entity]),
    deps.pending.memo(view, p.version, p.entity),
  ]);
  const state = loaded?.stored?.state;
  const watermark = state ? watermarkOf(state) : null;
  if (!state || watermark === null) return 'skipped'; // expired (view ttl) before it could be written
  const content = recordContent(
    target.sink,
    p.entity,
    target.compiled.features.map((f) => f.name),
    evaluate(target.compiled, state, watermark),
  );
  const digest = contentDigest(content);
  const plan = planWrite(watermark, digest, memo);
  if (!plan.send) {
    await deps.stats.unchanged(view);
    return 'skipped';
  }
  const ttlMs = target.compiled.ttlMs;
  const remember = (m: SentMemo | null) => deps.pending.setMemo(view, p.version, p.entity, m, ttlMs);
  // From here on the store may hold this write (an ambiguous failure, or a crash mid-call).
  await remember({ e: plan.eventTimeMs, h: digest, u: true });
  const request: PutRecordRequest = {
    featureGroupName: target.sink.featureGroupName,
    record: withEventTime(target.sink, content, plan.eventTimeMs),
    ...(deps.settings.sendTtl && { ttlDuration: ttlDuration(ttlMs) }),
  };
  const result = await putWithRetries(deps, view, request, signal);
  if (result === 'aborted') return 'aborted';
  if (result === 'ok') {
    await Promise.all([remember({ e: plan.eventTimeMs, h: digest }), deps.stats.written(view, p.member)]);
    deps.metrics?.countSinkWrites(target.sink.featureGroupName, 'written');
    return 'sent';
  }
  if (!result.maybeApplied) await remember(memo); // surely not stored: back to what was known before
  await deadLetter(deps, view, p, target, plan.eventTimeMs, result);
  return 'sent';
}

async function putWithRetries(
  deps: WriteEntityDeps,
  view: string,
  request: PutRecordRequest,
  signal: AbortSignal,
): Promise<'ok' | 'aborted' | (PutRecordFailure & { attempts: number })> {
  const { maxAttempts, backoffBaseMs, backoffMaxMs } = deps.settings;
  let maybeApplied = false;
  for (let attempt = 1; ; attempt++) {
    const result = await deps.writer.putRecord(request, signal);
    if (result.ok) return 'ok';
    if (signal.aborted) return 'aborted'; // shutdown: the entity stays pending (its memo says "maybe stored")
    maybeApplied ||= result.maybeApplied;
    const { code, status, message } = result;
    await deps.stats.failed(view, { at: new Date().toISOString(), code, status, message });
    if (!result.retryable || attempt >= maxAttempts) return { ...result, maybeApplied, attempts: attempt };
    deps.metrics?.countSinkWrites(request.featureGroupName, 'retried');
    const delay = fullJitterDelay(attempt, backoffBaseMs, backoffMaxMs, deps.random);
    if (!(await pause(delay, signal))) return 'aborted';
  }
}

async function deadLetter(
  deps: WriteEntityDeps,
  view: string,
  p: PendingEntity,
  target: SinkTarget,
  eventTimeMs: number,
  failure: PutRecordFailure & { attempts: number },
) {
  const featureGroupName = target.sink.featureGroupName;
  await deps.deadLetters.add(view, {
    id: p.member,
    view,
    version: p.version,
    entity: p.entity,
    featureGroupName,
    code: failure.code,
    status: failure.status,
    message: failure.message,
    attempts: failure.attempts,
    eventTime: formatEventTime(eventTimeMs),
    failedAt: new Date().toISOString(),
  });
  deps.metrics?.countSinkWrites(featureGroupName, 'failed');
  deps.metrics?.countSinkWrites(featureGroupName, 'dead_lettered');
  deps.log.warn(
    {
      view,
      version: p.version,
      featureGroup: featureGroupName,
      code: failure.code,
      attempts: failure.attempts,
    },
    'SageMaker write failed for good; entity sent to the sink dead-letter queue',
  );
}

/** Sleeps `ms` (nothing when <= 0); false when `signal` aborted. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
