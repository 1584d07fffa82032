/** TypeBox schemas of the SageMaker sink routes. */
import { Type } from 'typebox';

const FeatureType = Type.Union([
  Type.Literal('String'),
  Type.Literal('Integral'),
  Type.Literal('Fractional'),
]);

const TtlDurationSchema = Type.Object({
  Unit: Type.Union([
    Type.Literal('Seconds'),
    Type.Literal('Minutes'),
    Type.Literal('Hours'),
    Type.Literal('Days'),
    Type.Literal('Weeks'),
  ]),
  Value: Type.Integer({ minimum: 1 }),
});

export const CreateFeatureGroupSchema = Type.Object(
  {
    FeatureGroupName: Type.String(),
    RecordIdentifierFeatureName: Type.String(),
    EventTimeFeatureName: Type.String(),
    FeatureDefinitions: Type.Array(Type.Object({ FeatureName: Type.String(), FeatureType })),
    OnlineStoreConfig: Type.Object({
      EnableOnlineStore: Type.Literal(true),
      TtlDuration: Type.Optional(TtlDurationSchema),
    }),
    Description: Type.Optional(Type.String()),
  },
  {
    description:
      'Input for SageMaker CreateFeatureGroup matching the view (online store only; add OfflineStoreConfig and RoleArn for an offline store)',
  },
);

const SinkErrorSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  code: Type.String({
    description: 'AWS error type (ThrottlingException, ValidationError, …) or network error code',
  }),
  status: Type.Union([Type.Integer(), Type.Null()], {
    description: 'HTTP status; null when no response arrived',
  }),
  message: Type.String(),
});

export const SinkStateSchema = Type.Object({
  featureView: Type.String(),
  version: Type.Integer(),
  createFeatureGroup: CreateFeatureGroupSchema,
  state: Type.Object(
    {
      pending: Type.Integer({ description: 'Entities changed and not yet written' }),
      written: Type.Integer({ description: 'PutRecord calls that succeeded' }),
      unchanged: Type.Integer({
        description: 'Writes skipped because SageMaker already held the same values',
      }),
      failed: Type.Integer({ description: 'PutRecord attempts that failed (retried or not)' }),
      deadLettered: Type.Integer({ description: 'Writes sent to the sink dead-letter queue, ever' }),
      deadLetters: Type.Integer({ description: 'Entries in the sink dead-letter queue now' }),
      lastError: Type.Union([SinkErrorSchema, Type.Null()]),
      lastWriteAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    },
    { description: 'Counters cover every version of the view; pending and deadLetters are current sizes' },
  ),
});

export const SinkDeadLetterSchema = Type.Object(
  {
    id: Type.String({ description: '<version>:<entity>' }),
    view: Type.String(),
    version: Type.Integer(),
    entity: Type.String(),
    featureGroupName: Type.String(),
    code: Type.String(),
    status: Type.Union([Type.Integer(), Type.Null()]),
    message: Type.String(),
    attempts: Type.Integer(),
    eventTime: Type.String({ format: 'date-time', description: 'Event time of the record that failed' }),
    failedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SinkDeadLetter' },
);
