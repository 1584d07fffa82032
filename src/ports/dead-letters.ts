/** A record that could not be used, kept with its reason (docs/semantics.md#bad-records-and-dead-letters). */
export interface DeadLetter {
  /** Stable id: `<source>:<position>`, e.g. `push:<request id>:<index>` or `k:<stream>:<shard>:<sequence>@<version>`. */
  id: string;
  view: string;
  version: number;
  /** Machine-readable reason code (RejectCode). */
  code: string;
  reason: string;
  /** ISO-8601 UTC time it was stored. */
  storedAt: string;
  source: { type: 'push' | 'kinesis'; shardId?: string; sequenceNumber?: string; index?: number };
  /** The record as received: parsed JSON when it was JSON, else the raw text (or base64 when not UTF-8). */
  record: unknown;
  /**
   * For a record of a push batch that failed after the record was decoded (and transformed): the event it became,
   * as `{entity, t, id?, values}`. A replay queues this event as it is (core/replayed-event.ts).
   */
  event?: unknown;
  /** Times this entry was replayed and rejected again. */
  replays: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  total: number;
  /** Pass as `after` for the next page; null at the end. */
  next: string | null;
}

export interface DeadLetterStore {
  /** Stores entries idempotently by id and counts each new one as rejected for its view version. */
  add(view: string, version: number, entries: readonly DeadLetter[]): Promise<number>;
  list(view: string, limit: number, after?: string): Promise<DeadLetterPage>;
  get(view: string, ids: readonly string[]): Promise<(DeadLetter | null)[]>;
  /**
   * Moves the entries from the store into the view's claims and returns them (null where absent), atomically:
   * of concurrent callers, one only gets each entry. A replay claims what it ingests, then settles the claims
   * once the records are queued, or puts them back.
   */
  claim(view: string, ids: readonly string[]): Promise<(DeadLetter | null)[]>;
  /** Drops claims whose records are queued again. */
  settle(view: string, ids: readonly string[]): Promise<void>;
  /** Returns claimed entries to the store (rejected again, with the new reason, or not queued), uncounted. */
  putBack(view: string, entries: readonly DeadLetter[]): Promise<void>;
  /** Returns claims older than `olderThanMs` (their replay died before settling) to the store; how many. */
  recoverClaims(view: string, olderThanMs: number): Promise<number>;
  removeAll(view: string): Promise<void>;
}
