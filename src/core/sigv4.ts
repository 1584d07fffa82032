/**
 * AWS Signature Version 4 verification (the header form: `Authorization: AWS4-HMAC-SHA256 Credential=…,
 * SignedHeaders=…, Signature=…`), pure apart from node:crypto. It rebuilds the canonical request the way the AWS
 * SDKs and botocore build it for non-S3 services (each path segment encoded again, the query sorted, the signed
 * headers trimmed) and compares signatures in constant time.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far `x-amz-date` may be from the server's clock, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface SigV4Authorization {
  accessKeyId: string;
  /** `yyyymmdd` of the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface SignedRequest {
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  /** The query string as sent, without `?` ('' when none). */
  query: string;
  /** Header names in lower case; repeated headers joined with ','. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Hex SHA-256 of the body as received. */
  payloadHash: string;
}

export type SigV4Failure =
  | { reason: 'missing' }
  | { reason: 'malformed'; message: string }
  | { reason: 'expired'; message: string }
  | { reason: 'mismatch' };

const AUTH =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;_.-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Parses the Authorization header; null when it is not a SigV4 header at all. */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | 'malformed' | null {
  if (!header) return null;
  if (!header.startsWith(SIGV4_ALGORITHM)) return null;
  const m = AUTH.exec(header);
  if (!m) return 'malformed';
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-._~` as upper-case %XX. */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

export function sigv4Encode(text: string): string {
  if (UNRESERVED.test(text)) return text; // the common case: nothing to encode
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Decodes a percent-encoded component, `+` kept as is (SigV4 clients never send `+` for a space). */
function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A path with nothing to encode in any segment (the common case: it is its own canonical form). */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/** Non-S3 services sign each path segment encoded once more (the path as sent, `%` becoming `%25`). */
export function canonicalPath(path: string): string {
  if (path === '') return '/';
  if (PLAIN_PATH.test(path)) return path;
  return path
    .split('/')
    .map((segment) => sigv4Encode(segment))
    .join('/');
}

/** One `name=value` of a query as sent, both decoded and encoded again the SigV4 way. */
function canonicalPair(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  const k = eq < 0 ? pair : pair.slice(0, eq);
  const v = eq < 0 ? '' : pair.slice(eq + 1);
  return [sigv4Encode(decode(k)), sigv4Encode(decode(v))];
}

export function canonicalQuery(query: string): string {
  if (query === '') return '';
  if (!query.includes('&')) {
    // One parameter (GetRecord's usual query): nothing to sort.
    const [k, v] = canonicalPair(query);
    return `${k}=${v}`;
  }
  return query
    .split('&')
    .filter((p) => p !== '')
    .map(canonicalPair)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const NEEDS_TRIM = /^\s|\s$|\s\s|[\t\n\r]/;
const trimValue = (value: string) => (NEEDS_TRIM.test(value) ? value.trim().replace(/\s+/g, ' ') : value);

export function canonicalRequest(req: SignedRequest, signedHeaders: readonly string[]): string {
  let headers = '';
  for (const h of signedHeaders) headers += `${h}:${trimValue(req.headers[h] ?? '')}\n`;
  return `${req.method.toUpperCase()}\n${canonicalPath(req.path)}\n${canonicalQuery(req.query)}\n${headers}\n${signedHeaders.join(';')}\n${req.payloadHash}`;
}

/** One-shot hashing (no Hash object per call: this runs once per signed request). */
const sha256Hex = (text: string) => hash('sha256', text, 'hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** Derived signing keys by secret, date, region and service (a few per key and day; bounded). */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

/** The key used last (a client signs request after request with one key): checked before the map. */
let lastKey: { secret: string; date: string; region: string; service: string; key: Buffer } = {
  secret: '',
  date: '',
  region: '',
  service: '',
  key: Buffer.alloc(0),
};

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const last = lastKey;
  if (last.secret === secret && last.date === date && last.region === region && last.service === service) {
    return last.key;
  }
  const id = `${secret}\u0000${date}\u0000${region}\u0000${service}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  lastKey = { secret, date, region, service, key };
  return key;
}

/** The signature's bytes a client holding `secret` computes for `req`. */
function signatureBytes(req: SignedRequest, auth: SigV4Authorization, secret: string): Buffer {
  const amzDate = req.headers['x-amz-date'] ?? '';
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest(req, auth.signedHeaders))}`;
  return createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service))
    .update(toSign, 'utf8')
    .digest();
}

/** The signature a client holding `secret` computes for `req` (also used by tests as an oracle-free signer). */
export const sigv4Signature = (req: SignedRequest, auth: SigV4Authorization, secret: string): string =>
  signatureBytes(req, auth, secret).toString('hex');

/** The last `x-amz-date` parsed: every request signed within the same second carries the same one. */
let lastAmzDate: { text: string; ms: number } = { text: '', ms: Number.NaN };

/** `yyyymmddThhmmssZ` -> epoch ms, or NaN. */
export function parseAmzDate(value: string | undefined): number {
  if (value === lastAmzDate.text) return lastAmzDate.ms;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return Number.NaN;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  lastAmzDate = { text: value!, ms };
  return ms;
}

/**
 * Checks the request's SigV4 signature made with `secret` for `service`: the signed headers must include `host`
 * and `x-amz-date`, the scope date must be that of `x-amz-date`, which must lie within 15 minutes of `nowMs`.
 * Null when it holds.
 */
export function verifySigV4(
  req: SignedRequest,
  auth: SigV4Authorization,
  secret: string,
  service: string,
  nowMs: number,
): SigV4Failure | null {
  if (auth.service !== service) {
    return { reason: 'malformed', message: `Credential should be scoped to correct service: '${service}'.` };
  }
  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required)) {
      return {
        reason: 'malformed',
        message: `'${required}' must be a 'SignedHeader' in the AWS Authorization.`,
      };
    }
  }
  const amzDate = req.headers['x-amz-date'];
  const at = parseAmzDate(amzDate);
  if (!Number.isFinite(at) || amzDate!.slice(0, 8) !== auth.date) {
    return {
      reason: 'malformed',
      message: 'Date must be in ISO-8601 basic format and match the credential scope.',
    };
  }
  if (Math.abs(nowMs - at) > MAX_CLOCK_SKEW_MS) {
    return {
      reason: 'expired',
      message: `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes from the server time.`,
    };
  }
  const expected = signatureBytes(req, auth, secret);
  const given = Buffer.from(auth.signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { reason: 'mismatch' };
  return null;
}
