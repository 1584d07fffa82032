/**
 * A training row as the result stores it (one NDJSON line): `entity`, `timestamp` (ISO-8601 UTC with ms), the
 * spine's other columns as they came, then the features (numbers or null).
 */
import type { FeatureValues } from '../engine.js';
import type { SpineRow } from './spine-row.js';

export function trainingRowJson(row: SpineRow, values: FeatureValues): string {
  return JSON.stringify({
    entity: row.entity,
    timestamp: new Date(row.t).toISOString(),
    ...row.columns,
    ...values,
  });
}
