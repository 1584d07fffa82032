import type { OnlineStore } from '../store.js';
import type { OperationResult } from './result.js';
import { asObject, parseOptionalTtl, parseRecord, parseTargetStores } from './shapes.js';

/** PutRecord: `PUT /FeatureGroup/{name}` -> 200, empty body, whether or not the EventTime rule applied it. */
export function putRecord(store: OnlineStore, featureGroup: string, body: unknown): OperationResult {
  const input = asObject(body, 'PutRecord request');
  const record = parseRecord(input.Record);
  const targetStores = parseTargetStores(input.TargetStores);
  const ttlDuration = parseOptionalTtl(input.TtlDuration);
  const { recordIdentifier, applied } = store.put(featureGroup, record, {
    ...(targetStores ? { targetStores } : {}),
    ...(ttlDuration ? { ttlDuration } : {}),
  });
  return { status: 200, recordIdentifier, applied };
}
