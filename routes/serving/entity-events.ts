import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { MAX_EVENTS } from '../../src/core/resolve-features.js';
import { MAX_RECORD_FIELD_LENGTH } from '../../src/core/view-spec-checks.js';
import {
  AsOfQuery,
  EntityIdParam,
  problemResponses,
  VersionQuery,
  ViewNameParam,
} from '../../src/http/schemas/common.js';
import { parseAsOf } from '../../src/services/read-features.js';
import { readRecentEvents } from '../../src/services/read-recent-events.js';
import { withTypeBox } from '../with-typebox.js';

const RecentEvents = Type.Object(
  {
    featureView: Type.String(),
    version: Type.Integer(),
    entity: Type.String(),
    field: Type.String(),
    status: Type.Union([Type.Literal('PRESENT'), Type.Literal('NOT_FOUND')]),
    eventTime: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: "The entity's watermark: its greatest accepted event time",
    }),
    retained: Type.Integer({
      description:
        'Events of this field the view retains per entity: its largest count window over the field',
    }),
    events: Type.Array(
      Type.Object(
        {
          eventTime: Type.String({ format: 'date-time' }),
          value: Type.Number(),
        },
        { additionalProperties: false },
      ),
      { description: 'Oldest first (by event time, ties by arrival); the last one is the most recent' },
    ),
  },
  { additionalProperties: false },
);

export default function entityEventsRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/entities/:entity/events',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getEntityEvents',
        tags: ['serving'],
        summary: "An entity's most recent raw values of one field",
        description:
          "The most recent accepted events (event time <= asOf) carrying `field`, as the view retains them for its count windows: per field, the N most recent by event time (ties: later arrival), N being the view's largest count window over that field. A count window of n events reads exactly the last n of these. A field no count window reads is not retained (400 `EVENTS_NOT_RETAINED`).",
        params: Type.Object({ name: ViewNameParam, entity: EntityIdParam }),
        querystring: Type.Object(
          {
            field: Type.String({
              minLength: 1,
              maxLength: MAX_RECORD_FIELD_LENGTH,
              description: 'Record field',
            }),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_EVENTS,
                default: MAX_EVENTS,
                description: 'At most this many (the most recent); default: every retained event',
              }),
            ),
            asOf: Type.Optional(AsOfQuery),
            version: Type.Optional(VersionQuery),
          },
          { additionalProperties: false },
        ),
        response: { 200: RecentEvents, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { field, limit, asOf, version } = request.query;
      return readRecentEvents(app.deps, {
        featureView: request.params.name,
        version,
        entity: request.params.entity,
        field,
        limit: limit ?? MAX_EVENTS,
        asOf: parseAsOf(asOf),
      });
    },
  );
}
