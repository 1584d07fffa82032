/**
 * The rows of one spine partition from the online state (`events: {"type": "retained"}`): the partition's entities
 * are read in batches through the read path's snapshots (the same decoding as online reads) and each row is
 * finalized by core/historical/retained-row.ts. Memory: the partition's spine rows and one batch of states.
 */
import type { CompiledFeature, CompiledView } from '../../core/feature-view.js';
import type { HistoricalProgress } from '../../core/historical/job.js';
import { retainedRowReader } from '../../core/historical/retained-row.js';
import { trainingRowJson } from '../../core/historical/training-row.js';
import type { Boundary } from '../../core/point-in-time.js';
import type { EntitySnapshots } from '../../ports/entity-snapshots.js';
import type { IndexedRow } from './spine-source.js';

/** Entities read per round trip (the snapshot reader sends at most 2,000 keys per call). */
const ENTITIES_PER_READ = 1000;

export interface RetainedRowsInput {
  snapshots: EntitySnapshots;
  view: { name: string; version: number; compiled: CompiledView };
  features: readonly CompiledFeature[];
  boundary: Boundary;
  rows: ReadonlyMap<string, IndexedRow[]>;
  progress: HistoricalProgress;
  /** Saves progress now and then; the job's cancel shows in `signal` after it. */
  save: () => Promise<void>;
  signal: AbortSignal;
}

/** The partition's result lines in spine order, or null when the job was cancelled meanwhile. */
export async function retainedRows(input: RetainedRowsInput): Promise<string[] | null> {
  const { view, rows, progress } = input;
  const entities = [...rows.keys()];
  const reader = retainedRowReader(view.compiled, input.features, input.boundary);
  const out: { index: number; line: string }[] = [];
  for (let i = 0; i < entities.length; i += ENTITIES_PER_READ) {
    const batch = entities.slice(i, i + ENTITIES_PER_READ);
    const states = await input.snapshots.read(view.name, view.version, batch);
    batch.forEach((entity, k) => {
      for (const row of rows.get(entity)!) {
        const { status, values } = reader.row(states[k] ?? null, row.t);
        out.push({ index: row.index, line: trainingRowJson(row, values, status) });
      }
    });
    progress.sources.retained = (progress.sources.retained ?? 0) + batch.length;
    await input.save();
    if (input.signal.aborted) return null;
  }
  out.sort((a, b) => a.index - b.index);
  return out.map((x) => x.line);
}
