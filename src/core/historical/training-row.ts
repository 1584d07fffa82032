/**
 * A training row as the result stores it (one NDJSON line): `entity`, `timestamp` (ISO-8601 UTC with ms), the
 * spine's other columns as they came, then (jobs over the online state only) the row's `status`, then the features
 * (numbers or null).
 */
import type { FeatureValues } from '../engine.js';
import type { RetainedRowStatus } from './retained-row.js';
import type { SpineRow } from './spine-row.js';

/** The column that says whether a row from the online state could be computed (retained-row.ts). */
export const STATUS_COLUMN = 'status';

export function trainingRowJson(row: SpineRow, values: FeatureValues, status?: RetainedRowStatus): string {
  return JSON.stringify({
    entity: row.entity,
    timestamp: new Date(row.t).toISOString(),
    ...row.columns,
    ...(status === undefined ? {} : { [STATUS_COLUMN]: status }),
    ...values,
  });
}
