import type { OnlineStore } from '../store.js';
import type { OperationResult } from './result.js';
import { parseDeletionMode, parseTargetStores, requiredQuery } from './shapes.js';

/** DeleteRecord: `DELETE /FeatureGroup/{name}?RecordIdentifierValueAsString=..&EventTime=..` -> 200, empty body. */
export function deleteRecord(
  store: OnlineStore,
  featureGroup: string,
  query: URLSearchParams,
): OperationResult {
  const recordIdentifier = requiredQuery(query, 'RecordIdentifierValueAsString');
  const eventTime = requiredQuery(query, 'EventTime');
  const mode = parseDeletionMode(query.get('DeletionMode'));
  const stores = query.getAll('TargetStores');
  const targetStores = parseTargetStores(stores.length > 0 ? stores : undefined);
  const { applied } = store.delete(featureGroup, recordIdentifier, eventTime, mode, targetStores);
  return { status: 200, recordIdentifier, applied };
}
