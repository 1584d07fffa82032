import type { ErrorType } from './errors.js';
import type { FaultKind } from './faults.js';

export type Operation = 'PutRecord' | 'GetRecord' | 'BatchGetRecord' | 'DeleteRecord' | 'Unknown';

/** One runtime API call as the emulator saw it. Holds keys, never feature values. */
export interface CallRecord {
  /** 1, 2, 3 ... in arrival order; survives `resetCalls`. */
  seq: number;
  /** Arrival time, epoch ms (UTC). */
  at: number;
  operation: Operation;
  method: string;
  path: string;
  featureGroup?: string;
  /** Set for PutRecord, GetRecord and DeleteRecord once the request parsed far enough to know it. */
  recordIdentifier?: string;
  /** HTTP status sent; 0 when the connection was closed before a response (the emulator went down). */
  status: number;
  errorType?: ErrorType;
  /** Set when the response was an injected fault. */
  fault?: FaultKind;
  /** PutRecord/DeleteRecord: whether the online store changed (false: older EventTime, or OfflineStore only). */
  applied?: boolean;
  /** True when the request carried a SigV4 `Authorization` header scoped to the `sagemaker` service. */
  signed: boolean;
  durationMs: number;
}

/** Bounded in-memory log: keeps the newest `max` calls. */
export class CallLog {
  #calls: CallRecord[] = [];
  #seq = 0;

  constructor(private readonly max: number) {}

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  add(call: CallRecord): void {
    this.#calls.push(call);
    if (this.#calls.length > this.max) this.#calls.splice(0, this.#calls.length - this.max);
  }

  list(): CallRecord[] {
    return this.#calls.map((c) => ({ ...c }));
  }

  reset(): void {
    this.#calls = [];
  }
}
