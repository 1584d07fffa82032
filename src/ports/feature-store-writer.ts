import type { FeatureValueString, TtlDuration } from '../core/sagemaker-record.js';

export interface PutRecordRequest {
  featureGroupName: string;
  record: readonly FeatureValueString[];
  ttlDuration?: TtlDuration;
}

/** Why a write failed, in the sink's terms (the adapter maps SDK errors to it). */
export interface PutRecordFailure {
  ok: false;
  /** Throttling, 5xx and network errors: worth another attempt. Validation and other 4xx: not. */
  retryable: boolean;
  /** False only when the request surely did not change the store (4xx, connection refused). */
  maybeApplied: boolean;
  /** AWS error type (`ThrottlingException`, `ValidationError`, …) or the network error code. */
  code: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  message: string;
}

export type PutRecordResult = { ok: true } | PutRecordFailure;

/** The one SageMaker Feature Store runtime call the sink makes. Never throws. */
export interface FeatureStoreWriter {
  /** `signal` aborts the call (shutdown); the result is then a failure that may have been applied. */
  putRecord(request: PutRecordRequest, signal?: AbortSignal): Promise<PutRecordResult>;
  close(): void;
}
