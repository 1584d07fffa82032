/**
 * SigV4 authentication of the AWS-compatible endpoints. The secret access key is an Eddy API key; its access
 * key id is the key's non-secret name `key-<n>` (its 1-based position in EDDY_API_KEYS, as in the logs). The
 * signature is verified for real (core/sigv4.ts) over the body as received, then the key must grant `scope`.
 * Without configured keys the API is open, and so are these endpoints (unsigned requests pass).
 *
 * Failures answer as AWS does: no Authorization header → MissingAuthenticationTokenException; a malformed one
 * → IncompleteSignatureException; an unknown access key id → UnrecognizedClientException; a wrong or expired
 * signature → InvalidSignatureException; a key without the scope → AccessDeniedException.
 */
import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiKey } from '../config.js';
import { AwsError } from '../core/aws-error.js';
import { parseSigV4Authorization, verifySigV4 } from '../core/sigv4.js';
import { grants, type Keyring, type Principal, type Scope } from './keyring.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The AWS action a SigV4-authenticated route performs (`GetRecord`), for AccessDenied messages. */
    awsAction?: string;
  }
}

export interface SigV4Credential {
  secret: string;
  /** The key's principal (its scopes merged over every entry listing the same key). */
  principal: Principal;
}

/** The access key id of each configured key (`key-<n>`) → its secret and principal, resolved once. */
export function sigv4Credentials(
  keys: readonly ApiKey[],
  ring: Keyring,
): ReadonlyMap<string, SigV4Credential> {
  const out = new Map<string, SigV4Credential>();
  keys.forEach((k, i) => {
    const principal = ring.identify(k.key);
    if (principal) out.set(`key-${i + 1}`, { secret: k.key, principal });
  });
  return out;
}

const EMPTY_SHA256 = hash('sha256', '', 'hex');

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Verifies `request` (its body, when any, is the raw Buffer the route's parser kept) as signed for `service`,
 * then the key's scope. Throws an AwsError when it does not hold; returns the access key id, or null when open.
 */
export function authenticateSigV4(
  request: FastifyRequest,
  options: {
    credentials: ReadonlyMap<string, SigV4Credential>;
    keyring: Keyring;
    service: string;
    scope: Scope;
    action: string;
    now: number;
  },
): string | null {
  if (options.keyring.open) return null;
  const header = headerText(request.headers.authorization);
  const auth = parseSigV4Authorization(header);
  if (auth === null)
    throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (auth === 'malformed') {
    throw new AwsError(
      'IncompleteSignatureException',
      'Authorization header requires Credential, SignedHeaders and Signature parameters.',
    );
  }
  const credential = options.credentials.get(auth.accessKeyId);
  if (credential === undefined) {
    throw new AwsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const body = request.body;
  const headers: Record<string, string | undefined> = {};
  for (const name of auth.signedHeaders) headers[name] = headerText(request.headers[name]);
  headers['x-amz-date'] = headerText(request.headers['x-amz-date']);
  const failure = verifySigV4(
    {
      method: request.method,
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers,
      payloadHash: Buffer.isBuffer(body) ? hash('sha256', body, 'hex') : EMPTY_SHA256,
    },
    auth,
    credential.secret,
    options.service,
    options.now,
  );
  if (failure?.reason === 'malformed') throw new AwsError('IncompleteSignatureException', failure.message);
  if (failure?.reason === 'expired') throw new AwsError('InvalidSignatureException', failure.message);
  if (failure) {
    throw new AwsError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  const { principal } = credential;
  if (!grants(principal.scopes, options.scope)) {
    throw new AwsError(
      'AccessDeniedException',
      `User: ${auth.accessKeyId} is not authorized to perform: ${options.service}:${options.action}`,
    );
  }
  return principal.id;
}
