/**
 * The SageMaker Feature Store runtime-compatible read API under one prefix: an AWS SDK or the AWS CLI pointed at
 * `<eddy>/sagemaker-featurestore` reads Eddy's online values with `GetRecord` and `BatchGetRecord`. The scope
 * keeps request bodies raw (the SigV4 payload hash is taken over the bytes received), verifies signatures
 * before each handler, and answers every error, unknown paths included, in AWS's shape (src/http/aws-errors.ts).
 * Hidden from the OpenAPI document: the wire format is AWS's, documented by AWS.
 */
import type { FastifyInstance } from 'fastify';
import { AwsError } from '../../src/core/aws-error.js';
import { sendAwsError, toAwsError } from '../../src/http/aws-errors.js';
import { authenticateSigV4, sigv4Credentials } from '../../src/http/sigv4-auth.js';
import batchGetRecord from './batch-get-record.js';
import getRecord from './get-record.js';

export const SAGEMAKER_RUNTIME_PREFIX = '/sagemaker-featurestore';
/** Largest request body (a BatchGetRecord of 100 × 100 identifiers fits easily). */
const MAX_BODY_BYTES = 1024 * 1024;

export default function sagemakerRuntimeRoutes(app: FastifyInstance) {
  app.register(
    async (scope) => {
      const credentials = sigv4Credentials(scope.deps.config.apiKeys, scope.keyring);
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
        done(null, body),
      );
      scope.addHook('preHandler', async (request) => {
        const keyId = authenticateSigV4(request, {
          credentials,
          keyring: scope.keyring,
          service: 'sagemaker',
          scope: 'read',
          action: request.routeOptions.config.awsAction ?? 'GetRecord',
          now: Date.now(),
        });
        if (keyId) request.log = request.log.child({ keyId });
      });
      scope.setErrorHandler((err, request, reply) => sendAwsError(reply, request, toAwsError(err as Error)));
      scope.setNotFoundHandler((request, reply) =>
        sendAwsError(
          reply,
          request,
          new AwsError(
            'UnknownOperationException',
            `No operation at ${request.method} ${request.url.split('?')[0]}`,
          ),
        ),
      );
      getRecord(scope);
      batchGetRecord(scope);
    },
    { prefix: SAGEMAKER_RUNTIME_PREFIX },
  );
}
