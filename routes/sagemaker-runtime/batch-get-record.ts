/**
 * `BatchGetRecord`: `POST /BatchGetRecord` with `{Identifiers: [{FeatureGroupName, RecordIdentifiersValueAsString,
 * FeatureNames?}]}` → `{Records, Errors, UnprocessedIdentifiers}`. Found records go to `Records` in request
 * order; absent ones are left out; an identifier naming an unknown group gives one `Errors` entry per record id,
 * as on AWS. Every identifier is read (`UnprocessedIdentifiers` is always empty).
 */
import type { FastifyInstance } from 'fastify';
import { AwsError, awsValidationError } from '../../src/core/aws-error.js';
import {
  checkExpirationTimeResponse,
  featureGroupName,
  featureNameFilter,
} from '../../src/core/feature-group-record.js';
import { readRecords } from '../../src/services/sagemaker-runtime/read-records.js';

const MAX_IDENTIFIERS = 100;
const MAX_IDENTIFIER_LENGTH = 358_400;

interface Identifier {
  FeatureGroupName: string;
  group: string;
  ids: string[];
  featureNames?: string[];
}

function parseBody(body: unknown): Identifier[] {
  let input: unknown;
  try {
    input = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '');
  } catch {
    throw awsValidationError('The request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw awsValidationError('The request body must be a JSON object');
  }
  const { Identifiers, ExpirationTimeResponse } = input as Record<string, unknown>;
  checkExpirationTimeResponse(ExpirationTimeResponse);
  if (!Array.isArray(Identifiers) || Identifiers.length < 1 || Identifiers.length > MAX_IDENTIFIERS) {
    throw awsValidationError(`Identifiers must be a list of 1 to ${MAX_IDENTIFIERS} items`);
  }
  return Identifiers.map((item: unknown, i) => {
    const raw = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof raw.FeatureGroupName !== 'string') {
      throw awsValidationError(`Identifiers[${i}].FeatureGroupName is required`);
    }
    const ids = raw.RecordIdentifiersValueAsString;
    if (
      !Array.isArray(ids) ||
      ids.length < 1 ||
      ids.length > MAX_IDENTIFIERS ||
      !ids.every((id) => typeof id === 'string' && id.length <= MAX_IDENTIFIER_LENGTH)
    ) {
      throw awsValidationError(
        `Identifiers[${i}].RecordIdentifiersValueAsString must list 1 to ${MAX_IDENTIFIERS} strings`,
      );
    }
    const featureNames = featureNameFilter(raw.FeatureNames, `Identifiers[${i}].FeatureNames`);
    return {
      FeatureGroupName: raw.FeatureGroupName,
      group: featureGroupName(raw.FeatureGroupName, `identifiers.${i + 1}.member.featureGroupName`),
      ids: ids as string[],
      ...(featureNames && { featureNames }),
    };
  });
}

export default function batchGetRecordRoute(app: FastifyInstance) {
  app.post(
    '/BatchGetRecord',
    { config: { awsAction: 'BatchGetRecord' }, schema: { hide: true } },
    async (request, reply) => {
      const identifiers = parseBody(request.body);
      const records: unknown[] = [];
      const errors: unknown[] = [];
      const results = await Promise.all(
        identifiers.map((identifier) =>
          readRecords(request.server.deps, {
            featureGroupName: identifier.group,
            recordIdentifiers: identifier.ids,
            featureNames: identifier.featureNames,
          }).catch((err: unknown) => {
            if (err instanceof AwsError && err.type === 'ResourceNotFound') return err;
            throw err;
          }),
        ),
      );
      identifiers.forEach((identifier, i) => {
        const result = results[i]!;
        identifier.ids.forEach((id, j) => {
          const base = { FeatureGroupName: identifier.FeatureGroupName, RecordIdentifierValueAsString: id };
          if (result instanceof AwsError) {
            errors.push({ ...base, ErrorCode: result.type, ErrorMessage: result.message });
            return;
          }
          const record = result[j];
          if (record) records.push({ ...base, Record: record });
        });
      });
      return reply
        .type('application/json')
        .send({ Records: records, Errors: errors, UnprocessedIdentifiers: [] });
    },
  );
}
