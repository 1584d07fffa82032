import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { EddyError, ErrorCode } from '../../src/core/errors.js';
import { problemResponses } from '../../src/http/schemas/common.js';
import { createUpload } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { UploadSchema } from './schemas.js';

const FORMATS = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' } as const;

/** Streams a CSV or NDJSON body (a spine or raw event records) into storage; the body is never held whole. */
export default function createUploadRoute(app: FastifyInstance) {
  app.register(async (scope) => {
    scope.addContentTypeParser(Object.keys(FORMATS), (_request, payload, done) => done(null, payload));
    withTypeBox(scope).post(
      '/v1/historical-uploads',
      {
        config: { scope: 'write' },
        schema: {
          operationId: 'createHistoricalUpload',
          tags: ['training'],
          summary: 'Upload a spine or raw event records (text/csv with a header, or application/x-ndjson)',
          description:
            'The body is streamed into storage (limits: EDDY_HISTORICAL_UPLOAD_MB in all, 1 MiB per line). The upload expires after EDDY_HISTORICAL_UPLOAD_TTL_S.',
          response: { 201: UploadSchema, ...problemResponses(400, 413, 415) },
        },
      },
      async (request, reply) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const format = FORMATS[type as keyof typeof FORMATS];
        if (format === undefined) {
          throw new EddyError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send text/csv or application/x-ndjson');
        }
        const meta = await createUpload(app.deps.historical, format, request.body as Readable);
        return reply.code(201).send({ ...meta, expiresAt: new Date(meta.expiresAt).toISOString() });
      },
    );
  });
}
