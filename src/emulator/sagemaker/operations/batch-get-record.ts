import { EmulatorError, validationError } from '../errors.js';
import { resolveFeatureGroupName } from '../feature-group.js';
import type { OnlineStore } from '../store.js';
import type { OperationResult } from './result.js';
import { asObject, parseExpirationTimeResponse, parseFeatureNames } from './shapes.js';

const MAX_IDENTIFIERS = 100;

/**
 * BatchGetRecord: `POST /BatchGetRecord`. Found records go to `Records`; absent ones are simply left out; an
 * identifier naming an unknown group (or an invalid FeatureName filter) yields one `Errors` entry per record id.
 * `UnprocessedIdentifiers` is always empty.
 */
export function batchGetRecord(store: OnlineStore, body: unknown): OperationResult {
  const input = asObject(body, 'BatchGetRecord request');
  const withExpiry = parseExpirationTimeResponse(input.ExpirationTimeResponse);
  const identifiers = input.Identifiers;
  if (!Array.isArray(identifiers) || identifiers.length < 1 || identifiers.length > MAX_IDENTIFIERS) {
    throw validationError(`Identifiers must be a list of 1 to ${MAX_IDENTIFIERS} items`);
  }
  const records: unknown[] = [];
  const errors: unknown[] = [];
  identifiers.forEach((item, i) => {
    const raw = asObject(item, `Identifiers[${i}]`);
    if (typeof raw.FeatureGroupName !== 'string')
      throw validationError(`Identifiers[${i}].FeatureGroupName is required`);
    const featureGroup = resolveFeatureGroupName(raw.FeatureGroupName);
    const ids = raw.RecordIdentifiersValueAsString;
    if (
      !Array.isArray(ids) ||
      ids.length < 1 ||
      ids.length > MAX_IDENTIFIERS ||
      !ids.every((id) => typeof id === 'string')
    ) {
      throw validationError(
        `Identifiers[${i}].RecordIdentifiersValueAsString must list 1 to ${MAX_IDENTIFIERS} strings`,
      );
    }
    const featureNames = parseFeatureNames(raw.FeatureNames, `Identifiers[${i}].FeatureNames`);
    for (const id of ids as string[]) {
      try {
        const found = store.get(featureGroup, id, featureNames);
        if (!found) continue;
        records.push({
          FeatureGroupName: raw.FeatureGroupName,
          RecordIdentifierValueAsString: id,
          Record: found.record,
          ...(withExpiry && found.expiresAt ? { ExpiresAt: found.expiresAt } : {}),
        });
      } catch (error) {
        if (!(error instanceof EmulatorError)) throw error;
        errors.push({
          FeatureGroupName: raw.FeatureGroupName,
          RecordIdentifierValueAsString: id,
          ErrorCode: error.type,
          ErrorMessage: error.message,
        });
      }
    }
  });
  return { status: 200, body: { Records: records, Errors: errors, UnprocessedIdentifiers: [] } };
}
