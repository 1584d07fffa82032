/**
 * The error mapper of the AWS-compatible endpoints: an AwsError (core/aws-error.ts) becomes the HTTP status AWS
 * uses, the `x-amzn-ErrorType` header an AWS SDK names its exception after, and a JSON body with the message.
 * Eddy's own errors raised underneath (a view deleted mid-read, a read too large, Fastify's validation and body
 * limits) are turned into the nearest AWS type; 5xx details are never sent.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AwsError, type AwsErrorType } from '../core/aws-error.js';
import { EddyError } from '../core/errors.js';

const STATUS: Record<AwsErrorType, number> = {
  ValidationError: 400,
  ResourceNotFound: 404,
  AccessForbidden: 403,
  AccessDeniedException: 403,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  UnknownOperationException: 404,
  ThrottlingException: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
};

/** Errors the service itself models carry `Message`; the front door's authentication errors carry `message`. */
const MODELED = new Set<AwsErrorType>([
  'ValidationError',
  'ResourceNotFound',
  'AccessForbidden',
  'InternalFailure',
  'ServiceUnavailable',
]);

export function toAwsError(err: Error | FastifyError): AwsError {
  if (err instanceof AwsError) return err;
  if (err instanceof EddyError) {
    if (err.code === 'FEATURE_VIEW_NOT_FOUND' || err.code === 'VERSION_NOT_FOUND') {
      return new AwsError('ResourceNotFound', err.message);
    }
    if (err.code === 'RATE_LIMITED') return new AwsError('ThrottlingException', 'Rate exceeded');
    if (err.code === 'UNAVAILABLE') return new AwsError('ServiceUnavailable', 'Service unavailable');
    if (err.code === 'INTERNAL' || err.code === 'TIMEOUT')
      return new AwsError('InternalFailure', 'Internal failure');
    return new AwsError('ValidationError', err.message);
  }
  const status = (err as FastifyError).statusCode;
  if (status === 429) return new AwsError('ThrottlingException', 'Rate exceeded');
  if (status !== undefined && status >= 400 && status < 500)
    return new AwsError('ValidationError', err.message);
  return new AwsError('InternalFailure', 'An internal failure occurred. Try your request again.');
}

export function sendAwsError(reply: FastifyReply, request: FastifyRequest, error: AwsError) {
  const status = STATUS[error.type];
  if (status >= 500) request.log.error({ err: error }, 'AWS-compatible request failed');
  return reply
    .code(status)
    .header('x-amzn-errortype', error.type)
    .header('x-amzn-requestid', randomUUID())
    .type('application/json')
    .send(MODELED.has(error.type) ? { Message: error.message } : { message: error.message });
}
