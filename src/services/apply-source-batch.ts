/**
 * Applies one source batch to a view version with exactly-once effect (see core/entity-batch.ts):
 * per entity, an atomic compare-and-set of state + source mark + pending outcome; then, once per batch, an
 * atomic count into the view's counters keyed by the batch end. Safe to run again after a crash at any point.
 */
import { watermarkOf } from '../core/engine.js';
import { applyBatchToEntity, type SequencedEvent, type StoredEntity } from '../core/entity-batch.js';
import type { CompiledView } from '../core/feature-view.js';
import { compareSeq } from '../core/sequence.js';
import type { EntityStore, EntityWrite } from '../ports/entity-store.js';
import type { BatchCount, ViewCounters } from '../ports/view-counters.js';

export interface SourceBatch {
  /** Ordered source id: `p:<lane>` or `k:<stream>:<shard>`. */
  source: string;
  /** Sequence number covering every record of the batch. */
  batchEnd: string;
  /** Events grouped by entity, each group in arrival order. */
  byEntity: EventsByEntity;
  /** Records of the batch that were rejected (dead-lettered) for this view; only counted per source. */
  rejected?: number;
  /** Records of the batch before the view version's start position; only counted per source. */
  skippedBeforeStart?: number;
}

/**
 * A batch's events by entity (a Map is one). `get` may build the group anew at each call, so that a batch of many
 * records need not hold an object per record while it applies: each group is asked for when its entity is
 * applied, and again only if its compare-and-set has to be retried.
 */
export interface EventsByEntity {
  keys(): Iterable<string>;
  get(entity: string): readonly SequencedEvent[] | undefined;
}

export interface ApplyDeps {
  entities: EntityStore;
  counters: ViewCounters;
  /**
   * Called once the batch's entity states are written and before the batch is counted, with every entity whose
   * state this run changed. A crash before counting re-runs the batch and calls it again, so it sees every
   * change at least once; it must be quick and idempotent (e.g. mark entities dirty for a sink).
   */
  afterApply?: (view: CompiledView, entities: readonly string[]) => Promise<void>;
}

/** Compare-and-set rounds before giving up (only concurrent writers to the same entity make a round fail). */
const MAX_CAS_ROUNDS = 50;

export async function applySourceBatch(
  deps: ApplyDeps,
  view: CompiledView,
  batch: SourceBatch,
): Promise<BatchCount> {
  const { name, version } = view;
  const viewMark = await deps.counters.mark(name, version, batch.source);
  if (compareSeq(viewMark, batch.batchEnd) >= 0) {
    // Applied and counted by an earlier run.
    return (
      (await deps.counters.countedOutcome(name, version, batch.source, batch.batchEnd)) ?? {
        accepted: 0,
        late: 0,
        duplicate: 0,
        lastEventTime: null,
      }
    );
  }

  const total: BatchCount = { accepted: 0, late: 0, duplicate: 0, lastEventTime: null };
  const changed: string[] = [];
  let pending = [...batch.byEntity.keys()];
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_CAS_ROUNDS)
      throw new Error(`entity state kept changing under batch ${batch.source}@${batch.batchEnd}`);
    const loaded = await deps.entities.load(name, version, pending);
    const writes: EntityWrite[] = [];
    const results: { entity: string; stored: StoredEntity; count: BatchCount }[] = [];
    pending.forEach((entity, i) => {
      const current = loaded[i]!;
      const result = applyBatchToEntity(
        view,
        current.stored,
        batch.source,
        batch.batchEnd,
        viewMark,
        batch.byEntity.get(entity)!,
      );
      const count = { ...result.toCount, lastEventTime: watermarkOf(result.stored.s) };
      if (result.unchanged) addCount(total, count);
      else {
        writes.push({ entity, expected: current.cas, stored: result.stored });
        results.push({ entity, stored: result.stored, count });
      }
    });
    const landed = await deps.entities.write(name, version, writes, view.ttlMs);
    pending = [];
    landed.forEach((ok, i) => {
      if (ok) {
        addCount(total, results[i]!.count);
        changed.push(results[i]!.entity);
      } else pending.push(results[i]!.entity);
    });
  }
  if (deps.afterApply && changed.length > 0) await deps.afterApply(view, changed);
  await deps.counters.countBatch(name, version, batch.source, batch.batchEnd, {
    ...total,
    rejected: batch.rejected ?? 0,
    skippedBeforeStart: batch.skippedBeforeStart ?? 0,
  });
  return total;
}

function addCount(total: BatchCount, c: BatchCount) {
  total.accepted += c.accepted;
  total.late += c.late;
  total.duplicate += c.duplicate;
  if (c.lastEventTime !== null && (total.lastEventTime === null || c.lastEventTime > total.lastEventTime)) {
    total.lastEventTime = c.lastEventTime;
  }
}
