import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { EddyError, ErrorCode } from '../../src/core/errors.js';
import { problemResponses } from '../../src/http/schemas/common.js';
import type { UploadFormat } from '../../src/ports/historical.js';
import { createUpload } from '../../src/services/historical/historical-api.js';
import { withTypeBox } from '../with-typebox.js';
import { UploadSchema } from './schemas.js';

const FORMATS: Record<string, UploadFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' };
const EXTENSIONS: Record<string, UploadFormat> = { csv: 'csv', ndjson: 'ndjson', jsonl: 'ndjson' };

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

/** A multipart file's format: its part's content type, else its file name's extension. */
function partFormat(contentType: string | undefined, filename: string | undefined): UploadFormat | undefined {
  const byType = FORMATS[mediaType(contentType)];
  if (byType !== undefined) return byType;
  const dot = (filename ?? '').lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[filename!.slice(dot + 1).toLowerCase()];
}

const unsupported = () =>
  new EddyError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'send text/csv or application/x-ndjson, or multipart/form-data with one such file (by its type, or a .csv, .ndjson or .jsonl name)',
  );

/**
 * Streams a CSV or NDJSON body (a spine or raw event records) into storage; the body is never held whole. A
 * multipart/form-data body's first file part is streamed the same way, under the same limits.
 */
export default function createUploadRoute(app: FastifyInstance) {
  const maxBytes = app.deps.config.historical.uploadMaxBytes;
  app.register(async (scope) => {
    scope.addContentTypeParser(Object.keys(FORMATS), (_request, payload, done) => done(null, payload));
    // One file; its size is bounded by the upload's own limit (the byte past it fails with PAYLOAD_TOO_LARGE).
    await scope.register(multipart, {
      limits: { files: 1, fileSize: maxBytes + 1, fields: 16, fieldSize: 64 * 1024, parts: 32 },
    });
    withTypeBox(scope).post(
      '/v1/historical-uploads',
      {
        config: { scope: 'write' },
        schema: {
          operationId: 'createHistoricalUpload',
          tags: ['training'],
          summary:
            'Upload a spine or raw event records (text/csv with a header, application/x-ndjson, or multipart/form-data with one such file)',
          description:
            'The body is streamed into storage (limits: EDDY_HISTORICAL_UPLOAD_MB in all, 1 MiB per line). A multipart/form-data body carries one file part: its content type (text/csv, application/x-ndjson) or else its file name (.csv, .ndjson, .jsonl) gives the format; other fields are ignored. The upload expires after EDDY_HISTORICAL_UPLOAD_TTL_S.',
          response: { 201: UploadSchema, ...problemResponses(400, 413, 415) },
        },
      },
      async (request, reply) => {
        let meta: Awaited<ReturnType<typeof createUpload>>;
        if (request.isMultipart()) {
          const part = await request.file();
          if (part === undefined) {
            throw new EddyError(ErrorCode.VALIDATION_FAILED, 'the multipart body holds no file part');
          }
          const format = partFormat(part.mimetype, part.filename);
          if (format === undefined) {
            part.file.resume();
            throw unsupported();
          }
          meta = await createUpload(app.deps.historical, format, part.file);
        } else {
          const format = FORMATS[mediaType(request.headers['content-type'])];
          if (format === undefined) throw unsupported();
          meta = await createUpload(app.deps.historical, format, request.body as Readable);
        }
        return reply.code(201).send({ ...meta, expiresAt: new Date(meta.expiresAt).toISOString() });
      },
    );
  });
}
