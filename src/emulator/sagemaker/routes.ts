import type { Operation } from './call-log.js';

export interface RouteMatch {
  operation: Operation;
  /** Percent-decoded `{FeatureGroupName}` label (a name or an ARN), for the per-group operations. */
  featureGroupLabel?: string;
}

const FEATURE_GROUP_PATH = /^\/FeatureGroup\/([^/]+)$/;
const BY_METHOD: Record<string, Operation | undefined> = {
  PUT: 'PutRecord',
  GET: 'GetRecord',
  DELETE: 'DeleteRecord',
};

/**
 * Maps a runtime API request to its operation. Matches the raw (still encoded) path, so an ARN label with `%2F`
 * stays one segment. Other runtime operations (BatchWriteRecord, UpdateRecord, ListRecords) are `Unknown`.
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  if (method === 'POST' && rawPath === '/BatchGetRecord') return { operation: 'BatchGetRecord' };
  const m = FEATURE_GROUP_PATH.exec(rawPath);
  const operation = BY_METHOD[method];
  if (m && operation) {
    let label: string;
    try {
      label = decodeURIComponent(m[1]!);
    } catch {
      return { operation: 'Unknown' };
    }
    return { operation, featureGroupLabel: label };
  }
  return { operation: 'Unknown' };
}
