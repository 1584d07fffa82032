/**
 * Applies one source batch to a view version with exactly-once effect (see core/entity-batch.ts):
 * per entity, an atomic compare-and-set of state + source mark + pending outcome; then, once per batch, an
 * atomic count into the view's counters keyed by the batch end. Safe to run again after a crash at any point.
 * A run that finds an entity already past its batch re-reads the view mark and stops if the batch was counted
 * meanwhile (a stale run): it must not re-label a later batch's pending outcome with its own batch end.
 */
import { watermarkOf } from '../core/engine.js';
import { applyBatchToEntity, type SequencedEvent, type StoredEntity } from '../core/entity-batch.js';
import type { CompiledView } from '../core/feature-view.js';
import { compareSeq } from '../core/sequence.js';
import type { EntityStore, EntityWrite, UnusedEntity } from '../ports/entity-store.js';
import type { BatchCount, ViewCounters } from '../ports/view-counters.js';

export interface SourceBatch {
  /** Ordered source id: `p:<lane>` (`p:<lane>~<epoch>` after a lane reset) or `k:<stream>:<shard>`. */
  source: string;
  /** Sequence number covering every record of the batch. */
  batchEnd: string;
  /** Events grouped by entity, each group in arrival order. */
  byEntity: EventsByEntity;
  /** Records of the batch that were rejected (dead-lettered) for this view; only counted per source. */
  rejected?: number;
  /** Records of the batch before the view version's start position; only counted per source. */
  skippedBeforeStart?: number;
  /** Events of the batch that the view's transform filtered out. */
  filtered?: number;
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
  let viewMark = await deps.counters.mark(name, version, batch.source);
  // Applied and counted by an earlier run.
  if (compareSeq(viewMark, batch.batchEnd) >= 0) return countedBefore(deps, view, batch);

  const total: BatchCount = { accepted: 0, late: 0, duplicate: 0, lastEventTime: null };
  const changed: string[] = [];
  let pending = [...batch.byEntity.keys()];
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_CAS_ROUNDS)
      throw new Error(`entity state kept changing under batch ${batch.source}@${batch.batchEnd}`);
    const loaded = await deps.entities.load(name, version, pending);
    if (loaded.some((l) => isPast(l.stored, batch) || carriesOther(l.stored, batch, viewMark))) {
      // Another batch of the source wrote an entity since this run read the view mark, so the mark may be out of
      // date (a stale run): carrying that batch's pending outcome into this batch end would count it twice, or
      // hide it from its own count. A fresh mark says which outcomes are still uncounted.
      viewMark = await deps.counters.mark(name, version, batch.source);
      if (compareSeq(viewMark, batch.batchEnd) >= 0) {
        deps.entities.release(
          name,
          version,
          pending.map((entity, i) => ({ entity, loaded: loaded[i]! })),
        );
        return countedBefore(deps, view, batch);
      }
    }
    const writes: EntityWrite[] = [];
    const results: { entity: string; stored: StoredEntity; count: BatchCount }[] = [];
    const unused: UnusedEntity[] = [];
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
      const count = { ...result.toCount, lastEventTime: watermarkOf(result.stored.state) };
      if (result.unchanged) {
        addCount(total, count);
        unused.push({ entity, loaded: current });
      } else {
        writes.push({ entity, expected: current.cas, stored: result.stored });
        results.push({ entity, stored: result.stored, count });
      }
    });
    if (unused.length > 0) deps.entities.release(name, version, unused);
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
    filtered: batch.filtered ?? 0,
  });
  return total;
}

/** True when a batch of the same source ending after this one was applied to the entity. */
/** The entity holds another batch's outcome of this source that `viewMark` says is uncounted (it would carry). */
function carriesOther(stored: StoredEntity | null, batch: SourceBatch, viewMark: string): boolean {
  const prior = stored?.pending[batch.source];
  return prior !== undefined && prior.batchEnd !== batch.batchEnd && compareSeq(prior.batchEnd, viewMark) > 0;
}

function isPast(stored: StoredEntity | null, batch: SourceBatch): boolean {
  const mark = stored?.marks[batch.source];
  return mark !== undefined && compareSeq(mark, batch.batchEnd) > 0;
}

/** The outcome of a batch that an earlier run applied and counted. */
async function countedBefore(deps: ApplyDeps, view: CompiledView, batch: SourceBatch): Promise<BatchCount> {
  return (
    (await deps.counters.countedOutcome(view.name, view.version, batch.source, batch.batchEnd)) ?? {
      accepted: 0,
      late: 0,
      duplicate: 0,
      lastEventTime: null,
    }
  );
}

function addCount(total: BatchCount, c: BatchCount) {
  total.accepted += c.accepted;
  total.late += c.late;
  total.duplicate += c.duplicate;
  if (c.lastEventTime !== null && (total.lastEventTime === null || c.lastEventTime > total.lastEventTime)) {
    total.lastEventTime = c.lastEventTime;
  }
}
