/** Exactly-once application of a source's batch to one entity (src/core/entity-batch.ts), pinned by hand. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyBatchToEntity, type SequencedEvent, type StoredEntity } from '../../src/core/entity-batch.js';
import { SEQ_NONE } from '../../src/core/sequence.js';
import { compiledView } from '../helpers/compiled-view.js';

/** 1 s tiles, 10 s of allowed lateness, event ids in `id`, one count over a minute. */
const view = compiledView({
  granularityMs: 1000,
  allowedLatenessMs: 10_000,
  eventIdField: 'id',
  features: [{ name: 'n', agg: 'count', windowMs: 60_000 }],
});
const SOURCE = 'p:0';
const T0 = 1_700_000_000_000;

/** An event at `T0 + seconds` with sequence `seq` (and an event id when given). */
const ev = (seq: number, seconds: number, id?: string): SequencedEvent => ({
  seq: String(seq),
  t: T0 + seconds * 1000,
  values: {},
  ...(id === undefined ? {} : { id }),
});
const NONE = { accepted: 0, late: 0, duplicate: 0 };

/** An entity after batch 1..2 (two accepted events) was applied but not yet counted. */
const afterFirstBatch = (): StoredEntity =>
  applyBatchToEntity(view, null, SOURCE, '2', SEQ_NONE, [ev(1, 0), ev(2, 1)]).stored;

describe('applyBatchToEntity', () => {
  test('a new entity applies every event, marks the source at the batch end and keeps the outcome pending', () => {
    const r = applyBatchToEntity(view, null, SOURCE, '2', SEQ_NONE, [ev(1, 0), ev(2, 1)]);
    assert.deepEqual(r.fresh, { accepted: 2, late: 0, duplicate: 0 });
    assert.deepEqual(r.toCount, { accepted: 2, late: 0, duplicate: 0 });
    assert.equal(r.unchanged, false);
    assert.deepEqual(r.stored.marks, { [SOURCE]: '2' });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '2', counts: [2, 0, 0] } });
  });

  test('the batch end is the mark even when the entity has no record at the end of the batch', () => {
    const r = applyBatchToEntity(view, null, SOURCE, '9', SEQ_NONE, [ev(3, 0)]);
    assert.deepEqual(r.stored.marks, { [SOURCE]: '9' });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '9', counts: [1, 0, 0] } });
  });

  test('a re-run before the count skips applied records and carries the uncounted outcome', () => {
    const r = applyBatchToEntity(view, afterFirstBatch(), SOURCE, '2', SEQ_NONE, [ev(1, 0), ev(2, 1)]);
    assert.deepEqual(r.fresh, NONE);
    assert.deepEqual(r.toCount, { accepted: 2, late: 0, duplicate: 0 });
    assert.equal(r.unchanged, false);
    assert.deepEqual(r.stored.marks, { [SOURCE]: '2' });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '2', counts: [2, 0, 0] } });
  });

  test('a re-run after the count (view mark at the batch end) changes nothing and counts nothing', () => {
    const stored = afterFirstBatch();
    const r = applyBatchToEntity(view, stored, SOURCE, '2', '2', [ev(1, 0), ev(2, 1)]);
    assert.deepEqual(r.fresh, NONE);
    assert.deepEqual(r.toCount, NONE);
    assert.equal(r.unchanged, true);
    assert.deepEqual(r.stored.marks, { [SOURCE]: '2' });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '2', counts: [2, 0, 0] } });
  });

  test('records at or below the entity mark are skipped, the rest applied (a batch read again differently)', () => {
    const r = applyBatchToEntity(view, afterFirstBatch(), SOURCE, '4', '2', [ev(2, 1), ev(3, 2), ev(4, 3)]);
    assert.deepEqual(r.fresh, { accepted: 2, late: 0, duplicate: 0 });
    assert.deepEqual(r.toCount, { accepted: 2, late: 0, duplicate: 0 });
    assert.deepEqual(r.stored.marks, { [SOURCE]: '4' });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '4', counts: [2, 0, 0] } });
  });

  test('an outcome never counted is carried into the next batch and then belongs to its end', () => {
    // Batch 1..2 applied, its count lost (view mark still none); batch 3..3 brings one more event.
    const r = applyBatchToEntity(view, afterFirstBatch(), SOURCE, '3', SEQ_NONE, [ev(3, 2)]);
    assert.deepEqual(r.fresh, { accepted: 1, late: 0, duplicate: 0 });
    assert.deepEqual(r.toCount, { accepted: 3, late: 0, duplicate: 0 });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '3', counts: [3, 0, 0] } });
  });

  test('each source has its own mark and pending outcome', () => {
    const r = applyBatchToEntity(view, afterFirstBatch(), 'k:s:shard-0', '1', SEQ_NONE, [ev(1, 2)]);
    assert.deepEqual(r.fresh, { accepted: 1, late: 0, duplicate: 0 });
    assert.deepEqual(r.toCount, { accepted: 1, late: 0, duplicate: 0 });
    assert.deepEqual(r.stored.marks, { [SOURCE]: '2', 'k:s:shard-0': '1' });
    assert.deepEqual(r.stored.pending, {
      [SOURCE]: { batchEnd: '2', counts: [2, 0, 0] },
      'k:s:shard-0': { batchEnd: '1', counts: [1, 0, 0] },
    });
  });

  test('late and duplicate records are counted in their own places', () => {
    // Watermark T0+60s; T0+30s is 30 s behind (late, lateness 10 s); a second 'a' is a duplicate.
    const events = [ev(1, 60, 'a'), ev(2, 30, 'b'), ev(3, 55, 'a')];
    const r = applyBatchToEntity(view, null, SOURCE, '3', SEQ_NONE, events);
    assert.deepEqual(r.fresh, { accepted: 1, late: 1, duplicate: 1 });
    assert.deepEqual(r.stored.pending, { [SOURCE]: { batchEnd: '3', counts: [1, 1, 1] } });
  });

  test('an empty batch for an entity with nothing uncounted is unchanged', () => {
    const r = applyBatchToEntity(view, null, SOURCE, '5', SEQ_NONE, []);
    assert.equal(r.unchanged, true);
    assert.deepEqual(r.toCount, NONE);
    assert.deepEqual(r.stored.marks, {});
    assert.deepEqual(r.stored.pending, {});
  });
});
