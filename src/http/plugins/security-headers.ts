/**
 * Security headers on every response (helmet): nosniff, frame denial, referrer policy, HSTS (browsers honour it
 * over HTTPS only), cross-origin policies, and one Content-Security-Policy that suits the JSON API and the two
 * HTML pages (Swagger UI at /docs, the queue dashboard at /admin/queues): scripts from this origin only; styles
 * also inline and from https (the dashboard loads its fonts from Google Fonts). `upgrade-insecure-requests` is
 * left out: Eddy binds plain HTTP on 127.0.0.1 by default, TLS is a proxy's job.
 *
 * The header set is the same for every response, so helmet runs once at start-up against a recording response
 * and each request only copies the recorded headers (@fastify/helmet would rebuild the policy per request).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:', "'unsafe-inline'"],
};

/** The headers helmet sets with Eddy's options (lower-case names), recorded once. */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
  });
  let failed: unknown;
  middleware({} as never, recorder as never, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  return headers;
}

async function headersPlugin(app: FastifyInstance) {
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

const securityHeadersPlugin = fp(headersPlugin, { name: 'eddy-security-headers', fastify: '5.x' });

export async function registerSecurityHeaders(app: FastifyInstance) {
  await app.register(securityHeadersPlugin);
}
