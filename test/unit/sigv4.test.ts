/**
 * SigV4 verification against two independent signers: AWS's published test-suite vectors (aws-sig-v4-test-suite,
 * credentials AKIDEXAMPLE) and the AWS SDK's own signer (@smithy/signature-v4, which every AWS SDK for
 * JavaScript client signs with) over requests shaped like the SageMaker runtime's.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hmac, type Hash as NodeHash } from 'node:crypto';
import { test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  parseSigV4Authorization,
  type SignedRequest,
  type SigV4Authorization,
  verifySigV4,
} from '../../src/core/sigv4.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const AT = Date.UTC(2015, 7, 30, 12, 36, 0);
const EMPTY = createHash('sha256').digest('hex');

function vector(query: string, signature: string) {
  const header = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;
  const auth = parseSigV4Authorization(header) as SigV4Authorization;
  const req: SignedRequest = {
    method: 'GET',
    path: '/',
    query,
    headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
    payloadHash: EMPTY,
  };
  return { auth, req };
}

test('AWS test suite: get-vanilla and get-vanilla-query-order-key-case verify; any change fails', () => {
  const vanilla = vector('', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  assert.equal(verifySigV4(vanilla.req, vanilla.auth, SECRET, 'service', AT), null);
  const ordered = vector(
    'Param2=value2&Param1=value1',
    'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  );
  assert.equal(verifySigV4(ordered.req, ordered.auth, SECRET, 'service', AT), null);
  assert.deepEqual(verifySigV4(vanilla.req, vanilla.auth, `${SECRET}x`, 'service', AT), {
    reason: 'mismatch',
  });
  const otherHost = { ...vanilla.req, headers: { ...vanilla.req.headers, host: 'example.com' } };
  assert.deepEqual(verifySigV4(otherHost, vanilla.auth, SECRET, 'service', AT), { reason: 'mismatch' });
  assert.equal(verifySigV4(vanilla.req, vanilla.auth, SECRET, 'sagemaker', AT)?.reason, 'malformed');
  assert.equal(
    verifySigV4(vanilla.req, vanilla.auth, SECRET, 'service', AT + 16 * 60_000)?.reason,
    'expired',
  );
});

test('the Authorization header is parsed, or reported as absent or malformed', () => {
  assert.equal(parseSigV4Authorization(undefined), null);
  assert.equal(parseSigV4Authorization('Bearer abc'), null);
  assert.equal(parseSigV4Authorization('AWS4-HMAC-SHA256 Credential=x'), 'malformed');
  const v = vector('', 'a'.repeat(64));
  assert.deepEqual(v.auth, {
    accessKeyId: 'AKIDEXAMPLE',
    date: '20150830',
    region: 'us-east-1',
    service: 'service',
    signedHeaders: ['host', 'x-amz-date'],
    signature: 'a'.repeat(64),
  });
});

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string'
    ? Buffer.from(d)
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

/** The SDK's hash interface over node:crypto (an HMAC when given a secret). */
class NodeSha256 {
  private readonly h: NodeHash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

/** Signs with the AWS SDK's signer, then verifies the same request as Eddy receives it. */
async function sdkSigned(input: {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body?: string;
}) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'key-2', secretAccessKey: 'a-secret-key-0123' },
    region: 'eu-west-1',
    service: 'sagemaker',
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 3000,
      path: input.path,
      query: input.query,
      headers: {
        host: '127.0.0.1:3000',
        'content-type': 'application/json',
        ...(input.body !== undefined && { 'content-length': String(Buffer.byteLength(input.body)) }),
      },
      body: input.body,
    },
    { signingDate: new Date(AT) },
  );
  // The query as sent on the wire (the SDK's own builder: RFC 3986 escaped, repeated keys repeated).
  const sent = Object.entries(input.query)
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
    )
    .join('&');
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const auth = parseSigV4Authorization(headers.authorization) as SigV4Authorization;
  const req: SignedRequest = {
    method: input.method,
    path: input.path,
    query: sent,
    headers,
    payloadHash: createHash('sha256')
      .update(input.body ?? '')
      .digest('hex'),
  };
  return { req, auth };
}

test("requests signed by the AWS SDK's signer verify (paths, repeated and escaped query values, bodies)", async () => {
  const cases: { method: string; path: string; query: Record<string, string | string[]>; body?: string }[] = [
    {
      method: 'GET',
      path: '/sagemaker-featurestore/FeatureGroup/sensor-stats',
      query: { RecordIdentifierValueAsString: 's/2 ü+x*', FeatureName: ['temp_last', 'a_b'] },
    },
    {
      method: 'GET',
      path: `/sagemaker-featurestore/FeatureGroup/${encodeURIComponent('arn:aws:sagemaker:eu-west-1:123456789012:feature-group/g')}`,
      query: { RecordIdentifierValueAsString: "~!'()" },
    },
    {
      method: 'POST',
      path: '/sagemaker-featurestore/BatchGetRecord',
      query: {},
      body: JSON.stringify({
        Identifiers: [{ FeatureGroupName: 'g', RecordIdentifiersValueAsString: ['é'] }],
      }),
    },
  ];
  for (const c of cases) {
    const { req, auth } = await sdkSigned(c);
    assert.equal(verifySigV4(req, auth, 'a-secret-key-0123', 'sagemaker', AT), null, c.path);
    const tampered = { ...req, payloadHash: createHash('sha256').update('x').digest('hex') };
    assert.deepEqual(verifySigV4(tampered, auth, 'a-secret-key-0123', 'sagemaker', AT), {
      reason: 'mismatch',
    });
  }
});
