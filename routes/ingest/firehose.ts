/**
 * `POST /v1/feature-views/{name}/firehose`: a Kinesis Data Firehose HTTP endpoint destination. Speaks Firehose's
 * delivery protocol: the key in `X-Amz-Firehose-Access-Key` (an Eddy API key with `write`), the delivery id in
 * `X-Amz-Firehose-Request-Id`, a JSON body `{requestId, timestamp, records: [{data}]}` optionally gzip-encoded,
 * and every answer — errors included — as `{requestId, timestamp, errorMessage?}` in JSON. 200 means every record
 * is durably queued (or kept as a dead letter); a retried delivery takes effect once (services/firehose-delivery.ts).
 */
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { EddyError } from '../../src/core/errors.js';
import { grants } from '../../src/http/keyring.js';
import { toProblem } from '../../src/http/problem.js';
import { ViewNameParam } from '../../src/http/schemas/common.js';
import { deliverFirehose } from '../../src/services/firehose-delivery.js';
import { withTypeBox } from '../with-typebox.js';

/** Largest body after decompression (a stream's buffer of up to 12 MiB, grown by base64 and the JSON framing). */
export const MAX_FIREHOSE_BODY_BYTES = 16 * 1024 * 1024;
export const MAX_FIREHOSE_RECORDS = 100_000;
/** Firehose limits its access key to 4,096 bytes; request ids are GUIDs. */
const MAX_ACCESS_KEY_LENGTH = 4096;
const REQUEST_ID = Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' });

const FirehoseResponse = Type.Object(
  {
    requestId: Type.String({ description: 'The delivery request id' }),
    timestamp: Type.Integer({ description: 'Epoch milliseconds of the answer' }),
    errorMessage: Type.Optional(Type.String()),
  },
  { description: 'Firehose HTTP endpoint response' },
);

/** An error carrying the HTTP status of its Firehose answer. */
const failure = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });

const header = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function answer(reply: FastifyReply, request: FastifyRequest, status: number, errorMessage?: string) {
  const requestId =
    header(request, 'x-amz-firehose-request-id') ??
    (request.body as { requestId?: unknown } | undefined)?.requestId;
  return reply
    .code(status)
    .type('application/json')
    .send({
      requestId: typeof requestId === 'string' ? requestId.slice(0, 256) : '',
      timestamp: Date.now(),
      ...(errorMessage !== undefined && { errorMessage }),
    });
}

/** The access key must be an Eddy key with `write` (any key passes while no keys are configured). */
async function authenticate(request: FastifyRequest) {
  const keyring = request.server.keyring;
  if (keyring.open) return;
  const key = header(request, 'x-amz-firehose-access-key');
  if (!key || key.length > MAX_ACCESS_KEY_LENGTH) {
    throw failure(
      401,
      'X-Amz-Firehose-Access-Key is missing: set the delivery stream access key to an Eddy API key',
    );
  }
  const principal = keyring.identify(key);
  if (!principal) throw failure(401, 'the access key is not a valid Eddy API key');
  if (!grants(principal.scopes, 'write')) throw failure(403, "the access key lacks the 'write' scope");
  request.log = request.log.child({ keyId: principal.id });
}

/** `Content-Encoding: gzip` bodies are inflated before parsing; the body limit applies to the inflated bytes. */
async function inflate(request: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream) {
  const encoding = header(request, 'content-encoding')?.trim().toLowerCase();
  if (!encoding || encoding === 'identity') return payload;
  if (encoding !== 'gzip')
    throw failure(415, `unsupported Content-Encoding '${encoding}' (use gzip or none)`);
  const gunzip = createGunzip();
  const inflated = Object.assign(gunzip, { receivedEncodedLength: 0 });
  // Fastify checks Content-Length against the bytes received, which are the encoded ones.
  payload.on('data', (chunk: Buffer) => {
    inflated.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (err) => gunzip.destroy(err));
  return payload.pipe(gunzip);
}

export default function firehoseRoute(app: FastifyInstance) {
  withTypeBox(app).post(
    '/v1/feature-views/:name/firehose',
    {
      bodyLimit: MAX_FIREHOSE_BODY_BYTES,
      onRequest: authenticate,
      preParsing: inflate,
      errorHandler: (err, request, reply) => {
        const status =
          err instanceof EddyError
            ? toProblem(err).status
            : ((err as { statusCode?: number }).statusCode ?? 500);
        if (status >= 500) request.log.error({ err }, 'firehose delivery failed');
        const message =
          status >= 500 ? 'the records could not be queued; retry the delivery' : (err as Error).message;
        return answer(reply, request, status >= 400 && status < 600 ? status : 500, message);
      },
      schema: {
        operationId: 'deliverFirehoseRecords',
        tags: ['ingest'],
        summary: 'Kinesis Data Firehose HTTP endpoint delivery (records queued once per request id)',
        description:
          'The HTTP endpoint destination of a Firehose stream. Authenticated by `X-Amz-Firehose-Access-Key` ' +
          '(an API key with the `write` scope), not by a bearer token. Each record is one JSON object or ' +
          'newline-delimited JSON objects; unusable ones become dead letters. A retried request (same ' +
          '`X-Amz-Firehose-Request-Id`) is applied once. Errors use the Firehose response body, not problem+json.',
        security: [{ firehoseAccessKey: [] }],
        params: Type.Object({ name: ViewNameParam }),
        headers: Type.Object({ 'x-amz-firehose-request-id': REQUEST_ID }),
        body: Type.Object(
          {
            requestId: Type.Optional(REQUEST_ID),
            timestamp: Type.Optional(Type.Integer({ description: 'Epoch ms the delivery was sent' })),
            records: Type.Array(
              Type.Object({ data: Type.String({ description: 'Base64 of one or more JSON records' }) }),
              { maxItems: MAX_FIREHOSE_RECORDS },
            ),
          },
          { additionalProperties: true },
        ),
        response: Object.fromEntries(
          [200, 400, 401, 403, 404, 413, 415, 429, 500, 503].map((s) => [s, FirehoseResponse]),
        ),
      },
    },
    async (request, reply) => {
      const requestId = request.headers['x-amz-firehose-request-id'];
      if (request.body.requestId !== undefined && request.body.requestId !== requestId) {
        throw failure(400, 'the body requestId differs from X-Amz-Firehose-Request-Id');
      }
      const { compiled } = await app.deps.catalog.get(request.params.name);
      const outcome = await deliverFirehose(app.deps, compiled, {
        requestId,
        data: request.body.records.map((r) => r.data),
      });
      request.log.info(
        {
          firehoseRequestId: requestId,
          pushId: outcome.pushId,
          ...(outcome.kind === 'queued'
            ? { accepted: outcome.receipt.accepted, rejected: outcome.receipt.rejected.length }
            : { retry: 'already queued' }),
        },
        'firehose delivery',
      );
      return answer(reply, request, 200);
    },
  );
}
