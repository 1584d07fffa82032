/** `GetRecord`: `GET /FeatureGroup/{name}?RecordIdentifierValueAsString=…&FeatureName=…` → `{Record}` or `{}`. */
import type { FastifyInstance } from 'fastify';
import { awsValidationError } from '../../src/core/aws-error.js';
import {
  checkExpirationTimeResponse,
  featureGroupName,
  featureNameFilter,
} from '../../src/core/feature-group-record.js';
import { readRecords } from '../../src/services/sagemaker-runtime/read-records.js';

/** A record's response body, per record object (the service hands out the same object while values stand). */
const bodies = new WeakMap<object, string>();
function recordJson(record: object): string {
  let json = bodies.get(record);
  if (json === undefined) {
    json = JSON.stringify({ Record: record });
    bodies.set(record, json);
  }
  return json;
}

/** AWS's limit on a record identifier, in characters. */
const MAX_IDENTIFIER_LENGTH = 358_400;

/** The query as Fastify parsed it at routing (a repeated name gives an array; `+` is a space, as AWS SDKs mean it). */
type GetRecordQuery = Partial<
  Record<'RecordIdentifierValueAsString' | 'FeatureName' | 'ExpirationTimeResponse', string | string[]>
>;

export default function getRecordRoute(app: FastifyInstance) {
  app.get<{ Params: { FeatureGroupName: string }; Querystring: GetRecordQuery }>(
    '/FeatureGroup/:FeatureGroupName',
    { config: { awsAction: 'GetRecord' }, schema: { hide: true } },
    async (request, reply) => {
      const { RecordIdentifierValueAsString: id, FeatureName, ExpirationTimeResponse } = request.query;
      if (typeof id !== 'string' || id.length > MAX_IDENTIFIER_LENGTH) {
        throw awsValidationError(
          `RecordIdentifierValueAsString is required once, at most ${MAX_IDENTIFIER_LENGTH} characters long`,
        );
      }
      const featureNames = featureNameFilter(
        FeatureName === undefined ? undefined : [FeatureName].flat(),
        'FeatureName',
      );
      checkExpirationTimeResponse(ExpirationTimeResponse);
      const [record] = await readRecords(request.server.deps, {
        featureGroupName: featureGroupName(request.params.FeatureGroupName),
        recordIdentifiers: [id],
        featureNames,
      });
      return reply.type('application/json').send(record ? recordJson(record) : '{}');
    },
  );
}
