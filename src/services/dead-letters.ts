/**
 * Listing and replaying dead letters. A replay decodes the stored record again against the view's latest version
 * (its transform included); a record of a failed push batch is queued as the event it had become.
 */
import type { DecodedEvents } from '../core/decode-record.js';

import { EddyError, ErrorCode } from '../core/errors.js';
import { checkStoredEvent } from '../core/replayed-event.js';
import type { DeadLetter, DeadLetterPage, DeadLetterStore } from '../ports/dead-letters.js';
import { type PushDeps, pushRecords } from './push-records.js';
import type { ViewCatalog } from './view-catalog.js';

export interface ReplayResult {
  replayed: number;
  missing: string[];
  rejected: { id: string; code: string; reason: string }[];
}

export async function listDeadLetters(
  deps: { catalog: ViewCatalog; deadLetters: DeadLetterStore },
  view: string,
  limit: number,
  after?: string,
): Promise<DeadLetterPage> {
  await deps.catalog.get(view);
  await deps.deadLetters.recoverClaims(view, STALE_CLAIM_MS);
  return deps.deadLetters.list(view, limit, after);
}

/** A claim older than this belongs to a replay that died between claiming and settling: it returns to the store. */
export const STALE_CLAIM_MS = 60_000;

/**
 * Claims the dead letters (atomically: of two concurrent replays of the same ids, one only gets each letter),
 * pushes them, settles the claims of the ones queued and puts back the ones rejected again, with the new reason.
 * A push that fails puts every claimed letter back; a replay that dies leaves claims that return to the store
 * after STALE_CLAIM_MS (recovered by the next listing or replay of the view).
 */
export async function replayDeadLetters(
  deps: PushDeps & { catalog: ViewCatalog },
  viewName: string,
  ids: readonly string[],
): Promise<ReplayResult> {
  // The latest version as stored now, not as cached: a replay usually follows a fix registered moments ago.
  const { compiled } = await deps.catalog.get(viewName, undefined, { fresh: true });
  await deps.deadLetters.recoverClaims(viewName, STALE_CLAIM_MS);
  const entries = await deps.deadLetters.claim(viewName, ids);
  const missing = ids.filter((_, i) => entries[i] === null);
  const found = entries.filter((e) => e !== null);
  if (found.length === 0) {
    if (missing.length > 0 && ids.length === missing.length) {
      throw new EddyError(ErrorCode.DEAD_LETTER_NOT_FOUND, `no dead letter with the given id(s)`, '/ids');
    }
    return { replayed: 0, missing, rejected: [] };
  }
  // Records of failed push batches go as the events they had become; the rest are decoded again.
  const decoded = new Map<number, DecodedEvents>();
  found.forEach((e, index) => {
    if (e.event !== undefined) decoded.set(index, checkStoredEvent(e.event));
  });
  // Without storing the failures as new dead letters: they are put back below, with the new reason.
  const receipt = await pushRecords(
    { ...deps, deadLetters: { ...deps.deadLetters, add: async () => 0 } },
    compiled,
    found.map((e) => e.record),
    { wait: false, waitTimeoutMs: 0, decoded },
  ).catch(async (err) => {
    await deps.deadLetters.putBack(viewName, found);
    throw err;
  });
  const failedIndexes = new Map(receipt.rejected.map((r) => [r.index, r]));
  const rejected: ReplayResult['rejected'] = [];
  const again: DeadLetter[] = [];
  for (const [index, entry] of found.entries()) {
    const failure = failedIndexes.get(index);
    if (!failure) continue;
    rejected.push({ id: entry.id, code: failure.code, reason: failure.reason });
    again.push({ ...entry, code: failure.code, reason: failure.reason, replays: entry.replays + 1 });
  }
  await deps.deadLetters.putBack(viewName, again);
  const queued = found.filter((_, index) => !failedIndexes.has(index)).map((e) => e.id);
  await deps.deadLetters.settle(viewName, queued);
  return { replayed: found.length - again.length, missing, rejected };
}
