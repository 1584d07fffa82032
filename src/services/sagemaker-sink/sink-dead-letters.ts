/**
 * The sink's dead letters: list them, and replay them. A replay does not resend the failed record: it marks the
 * entity pending again, so the drain writes the entity's *current* state with fresh attempts.
 */
import { EddyError, ErrorCode } from '../../core/errors.js';
import type {
  SinkDeadLetter,
  SinkDeadLetterPage,
  SinkDeadLetterStore,
  SinkDrainQueue,
} from '../../ports/sagemaker-sink-store.js';
import type { ViewCatalog } from '../view-catalog.js';

export interface SinkDeadLetterDeps {
  catalog: ViewCatalog;
  deadLetters: SinkDeadLetterStore;
  queue: SinkDrainQueue;
}

export async function listSinkDeadLetters(
  deps: SinkDeadLetterDeps,
  name: string,
  limit: number,
  after?: string,
): Promise<SinkDeadLetterPage> {
  await deps.catalog.get(name);
  return deps.deadLetters.list(name, limit, after);
}

export interface SinkReplayResult {
  replayed: number;
  /** Requested ids that are not (any more) in the dead-letter queue. */
  missing: string[];
}

/** Replays the given ids, or without ids the oldest `limit` entries. */
export async function replaySinkDeadLetters(
  deps: SinkDeadLetterDeps,
  name: string,
  request: { ids?: readonly string[]; limit?: number },
): Promise<SinkReplayResult> {
  await deps.catalog.get(name);
  const ids =
    request.ids ?? (await deps.deadLetters.list(name, request.limit ?? 1000)).items.map((e) => e.id);
  const entries = await deps.deadLetters.get(name, ids);
  const found = entries.filter((e): e is SinkDeadLetter => e !== null);
  const missing = ids.filter((_, i) => entries[i] === null);
  if (request.ids && found.length === 0 && missing.length > 0) {
    throw new EddyError(
      ErrorCode.DEAD_LETTER_NOT_FOUND,
      'no sink dead letter with the given id(s)',
      '/body/ids',
    );
  }
  const arm = await deps.deadLetters.requeue(name, found);
  if (arm > 0) await deps.queue.enqueueDrain(name, arm, 0);
  return { replayed: found.length, missing };
}
