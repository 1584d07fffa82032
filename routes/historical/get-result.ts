import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { trainingCsv, trainingParquet } from '../../src/http/training-formats.js';
import { historicalResult } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { JobIdParam } from './schemas.js';

const PARQUET = 'application/vnd.apache.parquet';

/** The media type the client asked for (first match in Accept order); NDJSON by default. */
function negotiate(accept: string | undefined): 'ndjson' | 'csv' | 'parquet' {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === 'text/csv') return 'csv';
    if (type === PARQUET || type === 'application/x-parquet') return 'parquet';
    if (type === 'application/x-ndjson') return 'ndjson';
  }
  return 'ndjson';
}

export default function getResultRoute(app: FastifyInstance) {
  withTypeBox(app).get(
    '/v1/feature-views/:name/historical-features/:job/result',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getHistoricalFeaturesResult',
        tags: ['training'],
        summary: 'The training set: NDJSON (default), CSV or Parquet by Accept',
        description: `Accept: application/x-ndjson (default), text/csv, or ${PARQUET}. One row per spine row: entity, timestamp, the pass-through columns, the features.`,
        params: Type.Object({ name: ViewNameParam, job: JobIdParam }),
        response: {
          200: Type.Any({ description: 'The training set in the negotiated format' }),
          ...problemResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { name, job: id } = request.params;
      const deps = app.deps.historical;
      const { job, lines } = await historicalResult(deps, name, id);
      const { compiled } = await deps.catalog.get(job.spec.view, job.spec.version);
      const names = job.spec.features;
      const features =
        names === undefined
          ? compiled.features
          : names.flatMap((n) => compiled.features.filter((f) => f.name === n));
      const format = negotiate(request.headers.accept);
      const filename = `${job.spec.view}-${id}`;
      if (format === 'parquet') {
        const bytes = await trainingParquet(lines, { features });
        return reply
          .type(PARQUET)
          .header('content-disposition', `attachment; filename="${filename}.parquet"`)
          .send(Buffer.from(bytes));
      }
      if (format === 'csv') {
        const csv = trainingCsv(
          async function* () {
            yield* (await historicalResult(deps, name, id)).lines;
          },
          { features },
        );
        return reply.type('text/csv; charset=utf-8').send(Readable.from(csv));
      }
      async function* ndjson() {
        for await (const batch of lines) yield `${batch.join('\n')}\n`;
      }
      return reply.type('application/x-ndjson').send(Readable.from(ndjson()));
    },
  );
}
