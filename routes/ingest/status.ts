import { Type } from 'typebox';
import { errors, VersionQuery, ViewNameParam } from '../../src/http/schemas/common.js';
import { viewStatus } from '../../src/services/view-status.js';
import { type RouteApp, typed } from '../route-kit.js';

export default function statusRoute(app: RouteApp) {
  typed(app).get(
    '/v1/feature-views/:name/status',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getFeatureViewStatus',
        tags: ['ingest'],
        summary: 'Ingestion counts, last event time and per-source checkpoints',
        params: Type.Object({ name: ViewNameParam }),
        querystring: Type.Object({ version: Type.Optional(VersionQuery) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            featureView: Type.String(),
            version: Type.Integer(),
            counts: Type.Object({
              accepted: Type.Integer(),
              rejected: Type.Integer(),
              late: Type.Integer(),
              duplicate: Type.Integer(),
            }),
            lastEventTime: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            sources: Type.Array(
              Type.Object({
                source: Type.String({
                  description: 'p:<lane> for push lanes, k:<stream>:<shard> for Kinesis shards',
                }),
                checkpoint: Type.String({
                  description: 'Sequence number of the last batch applied and counted',
                }),
              }),
            ),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => viewStatus(app.deps, request.params.name, request.query.version),
  );
}
