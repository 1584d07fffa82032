/**
 * TypeBox schemas of feature views (docs/semantics.md#feature-views): the request body (`FeatureViewSpec`) and
 * the stored definition returned by the API (`FeatureView`). Structure and limits live here; rules that relate
 * fields to each other (window vs granularity, required `field`, duplicate names, defaults) live in
 * src/core/resolve-view.ts, which names the offending field as a JSON pointer.
 *
 * Only the two top-level schemas carry a `$id`; nested parts are inlined so that registering both with
 * `fastify.addSchema` never declares one `$id` twice.
 */
import type { Static } from 'typebox';
import { Type } from 'typebox';
import { DURATION_PATTERN } from '../../core/duration.js';
import { AGGREGATIONS } from '../../core/feature-view.js';
import { MAX_EVENTS, MAX_FEATURES } from '../../core/resolve-features.js';
import { MAX_EXPRESSION_LENGTH } from '../../core/transform/cel.js';
import { DERIVED_FIELD_PATTERN, MAX_DERIVED_FIELDS } from '../../core/transform/compile-transform.js';
import {
  MAX_RECORD_FIELD_LENGTH,
  SAGEMAKER_NAME_PATTERN,
  STREAM_NAME_PATTERN,
  VIEW_NAME_PATTERN,
} from '../../core/view-spec-checks.js';

const Name = (description: string) => Type.String({ pattern: VIEW_NAME_PATTERN, maxLength: 63, description });

/** A top-level property name of the incoming JSON records (not a path: `a.b` is the key "a.b"). */
const RecordField = (description: string) =>
  Type.String({ minLength: 1, maxLength: MAX_RECORD_FIELD_LENGTH, description });

/** `examples` is left out: OpenAPI 3.0 schema objects do not allow it. */
const Duration = (description: string) =>
  Type.String({
    pattern: DURATION_PATTERN,
    maxLength: 20,
    description: `${description} A duration: 500ms, 10s, 5m, 1h, 7d.`,
  });

const StartPosition = Type.Union(
  [
    Type.Literal('LATEST', { description: 'Only records written after the view version starts.' }),
    Type.Literal('TRIM_HORIZON', { description: 'The oldest record still in the stream.' }),
    Type.Object(
      {
        atTimestamp: Type.String({
          format: 'date-time',
          description: 'ISO-8601 date-time with a zone: the first record at or after this arrival time.',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'Where a new view version starts reading the stream. Default `LATEST` (as AWS consumers do): a new view does not replay the stream unless asked.',
  },
);

const KinesisSourceProperties = {
  type: Type.Literal('kinesis', {
    description: 'Read an Amazon Kinesis Data Stream (HTTP push is accepted too).',
  }),
  streamName: Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: STREAM_NAME_PATTERN,
    description: 'Kinesis Data Stream name.',
  }),
};

const KinesisSource = Type.Object(
  { ...KinesisSourceProperties, startPosition: Type.Optional(StartPosition) },
  { additionalProperties: false, title: 'KinesisSource' },
);

const PushSource = Type.Object(
  { type: Type.Literal('push', { description: 'Records arrive only through the HTTP push endpoint.' }) },
  { additionalProperties: false, title: 'PushSource' },
);

const SOURCE_DESCRIPTION = 'Where records come from. Every view also accepts HTTP push.';

const Feature = Type.Object(
  {
    name: Name('Feature name, unique within the view: `^[a-z][a-z0-9_]{0,62}$`.'),
    agg: Type.Enum(AGGREGATIONS, {
      type: 'string',
      description:
        'Aggregation. `stddev`/`variance` are population statistics, `stddev_samp`/`var_samp` sample ones; `last` is the value of the event with the greatest event time. For anomaly detection: `first`, `range`, `delta`, `rate` (per second), `zscore`, `ewma`/`ewvar`/`ewstd` (with `halfLife`), `approx_percentile` (with `p`), `approx_count_distinct` (numbers or strings), `time_since_last` (ms).',
    }),
    field: Type.Optional(
      RecordField(
        'Numeric record field to aggregate (for `approx_count_distinct` also strings). Required for every aggregation but `count` and `time_since_last`; `count` with a field counts records where it is a number.',
      ),
    ),
    window: Type.Optional(
      Duration(
        'Time window (a whole multiple of `granularity`). Exactly one of `window` and `events`, except for `last`, `ewma`, `ewvar`, `ewstd` and `time_since_last`, which may have neither (lifetime).',
      ),
    ),
    events: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_EVENTS,
        description: 'Count window: the last N events by event time.',
      }),
    ),
    halfLife: Type.Optional(
      Duration('`ewma`, `ewvar`, `ewstd` only (required there): the half-life of the exponential weights.'),
    ),
    p: Type.Optional(
      Type.Number({
        // OpenAPI 3.0 has no numeric exclusive bounds; 0 and 1 themselves are refused by resolve-features.ts.
        minimum: 0,
        maximum: 1,
        description:
          '`approx_percentile` only (required there): the quantile, strictly between 0 and 1, e.g. 0.95.',
      }),
    ),
  },
  { additionalProperties: false },
);

const Expression = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: MAX_EXPRESSION_LENGTH,
    description: `${description} A CEL expression.`,
  });

const Transform = Type.Object(
  {
    each: Type.Optional(
      Expression(
        'A list: every element becomes its own event, available as `item` to `filter` and `fields` (at most 1,000 elements).',
      ),
    ),
    filter: Type.Optional(
      Expression('A bool: events for which it is false are skipped and counted as filtered.'),
    ),
    fields: Type.Optional(
      Type.Record(Type.String({ pattern: DERIVED_FIELD_PATTERN }), Expression('A derived value.'), {
        maxProperties: MAX_DERIVED_FIELDS,
        additionalProperties: false,
        description:
          'Derived fields by name. `entityKey`, `eventTime.field`, `eventIdField` and features may name them like record fields.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "Runs on each record before it is read: variables are the record's top-level fields by name, `record` (the whole record) and `item` (the element of `each`).",
  },
);

const SpecProperties = {
  name: Name('View name: `^[a-z][a-z0-9_]{0,62}$`.'),
  description: Type.Optional(Type.String({ maxLength: 1024, description: 'Free text for people.' })),
  entityKey: RecordField(
    'Record field holding the entity id (a string, or a number used as its decimal string).',
  ),
  eventTime: Type.Optional(
    Type.Object(
      {
        field: RecordField(
          'Record field holding the event time: epoch milliseconds (a JSON number) or an ISO-8601 string with a zone.',
        ),
      },
      {
        additionalProperties: false,
        description: "Where the event time comes from. Omitted: the record's arrival time.",
      },
    ),
  ),
  granularity: Type.Optional(
    Duration(
      'Tile size. Every time window must be a whole multiple of it. Omitted: the service chooses one.',
    ),
  ),
  allowedLateness: Type.Optional(
    Duration(
      "How far behind an entity's newest event time an event may be and still count. Default: the largest time window.",
    ),
  ),
  ttl: Type.Optional(
    Duration(
      'State of an entity with no new event for this long is removed. At least the largest time window. Default 7d.',
    ),
  ),
  eventIdField: Type.Optional(
    RecordField(
      'Record field holding a producer event id: records of one entity with the same id count once.',
    ),
  ),
  features: Type.Array(Feature, {
    minItems: 1,
    maxItems: MAX_FEATURES,
    description: 'Features computed by the view.',
  }),
  transform: Type.Optional(Transform),
};

const SageMakerSinkProperties = {
  featureGroupName: Type.String({
    pattern: SAGEMAKER_NAME_PATTERN,
    maxLength: 64,
    description: 'SageMaker Feature Store feature group that receives the current values.',
  }),
};

const SageMakerSink = Type.Object(
  {
    ...SageMakerSinkProperties,
    recordIdentifierFeatureName: Type.Optional(
      Type.String({
        pattern: SAGEMAKER_NAME_PATTERN,
        maxLength: 64,
        description: 'Feature holding the entity id. Default: `entityKey`.',
      }),
    ),
    eventTimeFeatureName: Type.Optional(
      Type.String({
        pattern: SAGEMAKER_NAME_PATTERN,
        maxLength: 64,
        description: 'Feature holding the event time (ISO-8601 with milliseconds). Default `event_time`.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Mirror current feature values to SageMaker Feature Store.' },
);

export const FeatureViewSpecSchema = Type.Object(
  {
    ...SpecProperties,
    source: Type.Union([KinesisSource, PushSource], { description: SOURCE_DESCRIPTION }),
    sinks: Type.Optional(
      Type.Object(
        { sagemaker: Type.Optional(SageMakerSink) },
        { additionalProperties: false, description: 'Where current values are copied to.' },
      ),
    ),
  },
  {
    $id: 'FeatureViewSpec',
    title: 'FeatureViewSpec',
    additionalProperties: false,
    description: 'A feature view definition as sent by a client.',
  },
);
export type FeatureViewSpecBody = Static<typeof FeatureViewSpecSchema>;

/** The stored definition: every default is explicit, so the same fields are required. */
export const FeatureViewSchema = Type.Object(
  {
    ...SpecProperties,
    version: Type.Integer({
      minimum: 1,
      description: 'Version number; a changed definition becomes version n+1.',
    }),
    createdAt: Type.String({
      format: 'date-time',
      description: 'When this version was registered (ISO-8601 UTC).',
    }),
    granularity: Duration('Tile size in effect (chosen by the service when the spec omitted it).'),
    allowedLateness: Duration(
      "How far behind an entity's newest event time an event may be and still count.",
    ),
    ttl: Duration('State of an entity with no new event for this long is removed.'),
    source: Type.Union(
      [
        Type.Object(
          { ...KinesisSourceProperties, startPosition: StartPosition },
          { additionalProperties: false, title: 'KinesisSource' },
        ),
        PushSource,
      ],
      { description: SOURCE_DESCRIPTION },
    ),
    sinks: Type.Optional(
      Type.Object(
        {
          sagemaker: Type.Optional(
            Type.Object(
              {
                ...SageMakerSinkProperties,
                recordIdentifierFeatureName: Type.String({
                  pattern: SAGEMAKER_NAME_PATTERN,
                  maxLength: 64,
                  description: 'Feature holding the entity id.',
                }),
                eventTimeFeatureName: Type.String({
                  pattern: SAGEMAKER_NAME_PATTERN,
                  maxLength: 64,
                  description: 'Feature holding the event time (ISO-8601 with milliseconds).',
                }),
              },
              {
                additionalProperties: false,
                description: 'Mirror current feature values to SageMaker Feature Store.',
              },
            ),
          ),
        },
        { additionalProperties: false, description: 'Where current values are copied to.' },
      ),
    ),
  },
  {
    $id: 'FeatureView',
    title: 'FeatureView',
    additionalProperties: false,
    description: 'A stored feature view version with every default resolved.',
  },
);
export type FeatureViewBody = Static<typeof FeatureViewSchema>;
