import type { OnlineStore } from '../store.js';
import type { OperationResult } from './result.js';
import { parseExpirationTimeResponse, parseFeatureNames, requiredQuery } from './shapes.js';

/**
 * GetRecord: `GET /FeatureGroup/{name}?RecordIdentifierValueAsString=..&FeatureName=..&ExpirationTimeResponse=..`
 * -> `{"Record": [...], "ExpiresAt"?}`, or `{}` when the record is absent, soft-deleted or expired.
 */
export function getRecord(store: OnlineStore, featureGroup: string, query: URLSearchParams): OperationResult {
  const recordIdentifier = requiredQuery(query, 'RecordIdentifierValueAsString');
  const names = query.getAll('FeatureName');
  const featureNames = parseFeatureNames(names.length > 0 ? names : undefined, 'FeatureName');
  const withExpiry = parseExpirationTimeResponse(query.get('ExpirationTimeResponse') ?? undefined);
  const found = store.get(featureGroup, recordIdentifier, featureNames);
  if (!found) return { status: 200, body: {}, recordIdentifier };
  const body = {
    Record: found.record,
    ...(withExpiry && found.expiresAt ? { ExpiresAt: found.expiresAt } : {}),
  };
  return { status: 200, body, recordIdentifier };
}
