import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, VersionQuery, ViewNameParam } from '../../src/http/schemas/common.js';
import { viewStatus } from '../../src/services/view-status.js';
import { withTypeBox } from '../with-typebox.js';

/** Outcomes: accepted, late, duplicate and filtered events; rejected (dead-lettered) records. */
const Counts = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  late: Type.Integer(),
  duplicate: Type.Integer(),
  filtered: Type.Integer({ description: "Events the view's transform filter skipped" }),
});

const KinesisStatusSchema = Type.Object(
  {
    streamName: Type.String(),
    shards: Type.Array(
      Type.Object({
        shardId: Type.String(),
        parentShardIds: Type.Array(Type.String()),
        closed: Type.Boolean({ description: 'Closed by a reshard: no new records' }),
        finished: Type.Boolean({ description: 'This version read the closed shard to its end' }),
        checkpoint: Type.Union([Type.String(), Type.Null()], {
          description: 'Sequence number of the last batch this version applied from the shard',
        }),
        millisBehindLatest: Type.Union([Type.Integer(), Type.Null()], {
          description: "The shard reader's MillisBehindLatest at its last GetRecords",
        }),
        owner: Type.Union([Type.String(), Type.Null()], {
          description: 'Worker process holding the shard lease (<host>/<pid>/<id>)',
        }),
        counts: Counts,
        latestStart: Type.Union([Type.String(), Type.Null()], {
          description:
            "LATEST: the sequence number after which this version's records count ('0': all), fixed when a reader first served the version on the shard",
        }),
        skippedBeforeStart: Type.Integer({
          description:
            "Records read from the shard but before this version's start position (LATEST: before the shard position where a reader first served the version; atTimestamp: arrived before it)",
        }),
      }),
    ),
  },
  { description: 'Kinesis views only: per-shard checkpoint, lag, lease owner and record outcomes' },
);

export default function statusRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/status',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getFeatureViewStatus',
        tags: ['ingest'],
        summary:
          'Ingestion counts, last event time, per-source checkpoints and, for Kinesis views, per-shard status',
        params: Type.Object({ name: ViewNameParam }),
        querystring: Type.Object({ version: Type.Optional(VersionQuery) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            featureView: Type.String(),
            version: Type.Integer(),
            counts: Counts,
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
            kinesis: Type.Optional(KinesisStatusSchema),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => viewStatus(app.deps, request.params.name, request.query.version),
  );
}
