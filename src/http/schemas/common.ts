import { Type } from 'typebox';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URN naming the problem type: urn:eddy:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'JSON pointer of the offending input' })),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.Optional(Type.String()) })),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export const problemRef = Type.Ref('Problem');

/** The `response` entries of a route's error statuses: each one a problem+json body (`Problem`). */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { ...problemRef, description: 'Problem details (application/problem+json)' },
    ]),
  );

export const ViewNameParam = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,62}$',
  maxLength: 63,
  description: 'Feature view name',
});

export const EntityIdParam = Type.String({ minLength: 1, maxLength: 256 });

export const VersionQuery = Type.Integer({
  minimum: 1,
  maximum: 1_000_000,
  description: 'View version (default: latest)',
});

export const AsOfSchema = Type.Union(
  [
    Type.Literal('now'),
    Type.Literal('latest'),
    Type.Integer({ description: 'epoch milliseconds' }),
    Type.String({ maxLength: 40, description: 'ISO-8601 with a zone' }),
  ],
  {
    description:
      '`now` (default, server clock), `latest` (each entity at its own watermark), epoch ms or ISO-8601',
  },
);

/** `?asOf=` of the single-entity reads: the forms of `AsOfSchema`, as query text. */
export const AsOfQuery = Type.String({
  maxLength: 40,
  description: 'now (default), latest, epoch ms or ISO-8601',
});

// Read responses are serialized per entity and per value (up to 1,000 entities per response): these schemas
// say "nullable" and "enum" directly instead of anyOf unions, which fast-json-stringify would resolve by running
// a validator on every value. The OpenAPI document is the same (@fastify/swagger writes unions with null as
// `nullable` in OpenAPI 3.0).
export const FeatureValuesSchema = Type.Record(
  Type.String(),
  Type.Unsafe<number | null>({ type: 'number', nullable: true }),
  { description: 'Feature name -> value (null when the window is empty, except count and sum which are 0)' },
);

export const EntityResultSchema = Type.Object(
  {
    entity: Type.String(),
    status: Type.Unsafe<'PRESENT' | 'NOT_FOUND'>({ type: 'string', enum: ['PRESENT', 'NOT_FOUND'] }),
    eventTime: Type.Unsafe<string | null>({
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: "The entity's watermark: its greatest accepted event time",
    }),
    values: FeatureValuesSchema,
  },
  { $id: 'EntityResult', additionalProperties: false },
);

export const OnlineFeaturesSchema = Type.Object(
  {
    featureView: Type.String(),
    version: Type.Integer(),
    results: Type.Array(Type.Ref('EntityResult')),
  },
  { $id: 'OnlineFeatures', additionalProperties: false },
);
