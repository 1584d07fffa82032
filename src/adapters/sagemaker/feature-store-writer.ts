/**
 * PutRecord through the real `@aws-sdk/client-sagemaker-featurestore-runtime` client. `endpoint` null means the
 * region's AWS endpoint; credentials come from the SDK's default provider chain. The SDK's own retries are off
 * (`maxAttempts: 1`): the sink retries with its own backoff and counts every attempt. Errors never escape:
 * each becomes a `PutRecordFailure` saying whether to retry and whether the write may have landed.
 */
import http from 'node:http';
import https from 'node:https';
import {
  PutRecordCommand,
  SageMakerFeatureStoreRuntimeClient,
} from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FeatureStoreWriter, PutRecordFailure } from '../../ports/feature-store-writer.js';

export interface FeatureStoreWriterOptions {
  endpoint: string | null;
  region: string;
  /** Per request: connecting, and waiting for the response. */
  timeoutMs: number;
  /** Sockets kept per host (about the sink's concurrency). */
  maxSockets: number;
}

export function sageMakerFeatureStoreWriter(options: FeatureStoreWriterOptions): FeatureStoreWriter {
  const agent = { keepAlive: true, maxSockets: options.maxSockets };
  const client = new SageMakerFeatureStoreRuntimeClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
    }),
  });
  return {
    async putRecord(request, signal) {
      try {
        await client.send(
          new PutRecordCommand({
            FeatureGroupName: request.featureGroupName,
            Record: request.record.map((f) => ({
              FeatureName: f.FeatureName,
              ValueAsString: f.ValueAsString,
            })),
            ...(request.ttlDuration ? { TtlDuration: request.ttlDuration } : {}),
          }),
          signal ? { abortSignal: signal } : {},
        );
        return { ok: true };
      } catch (err) {
        return classifyPutError(err);
      }
    },
    close: () => client.destroy(),
  };
}

/** Connection errors after which the request surely never reached the service. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Maps an SDK or network error to the sink's terms. */
export function classifyPutError(err: unknown): PutRecordFailure {
  const e = (err ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode ?? null;
  const message = String(e.message ?? err).slice(0, 300);
  if (status !== null && status >= 400) {
    const code = e.name && e.name !== 'Error' ? e.name : `HTTP${status}`;
    const throttled = status === 429 || /Throttl|TooManyRequests|RequestLimitExceeded/.test(code);
    if (status < 500) return { ok: false, retryable: throttled, maybeApplied: false, code, status, message };
    return { ok: false, retryable: true, maybeApplied: true, code, status, message };
  }
  // No HTTP response: connection refused, reset, timeout.
  const code = e.code ?? e.name ?? 'NetworkError';
  return { ok: false, retryable: true, maybeApplied: !NOT_SENT.has(code), code, status: null, message };
}
