import type { ViewRef } from '../../src/ports/kinesis-batches.js';

/** A view version as a reader needs it. */
export interface ReaderView {
  ref: ViewRef;
  name: string;
  version: number;
  /** Records that arrived before this (epoch ms) are not for it (`atTimestamp`); else null. */
  startMs: number | null;
  /** LATEST: its records start at its shard start, recorded when a reader first serves it on the shard. */
  latest?: boolean;
}

/** The sorted refs of a reader's view versions (its identity in job ids and restarts). */
export const refsOf = (views: readonly ReaderView[]) => views.map((v) => v.ref).sort();

/** Views in ref order. */
export const sortViews = (views: readonly ReaderView[]) =>
  [...views].sort((a, b) => a.ref.localeCompare(b.ref));
