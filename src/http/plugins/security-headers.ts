/**
 * Security headers on every response (@fastify/helmet): nosniff, frame denial, referrer policy, HSTS (browsers
 * honour it over HTTPS only), cross-origin policies, and one Content-Security-Policy that suits the JSON API
 * and the two HTML pages (Swagger UI at /docs, the queue dashboard at /admin/queues): scripts from this origin
 * only; styles also inline and from https (the dashboard loads its fonts from Google Fonts).
 * `upgrade-insecure-requests` is left out: Eddy binds plain HTTP on 127.0.0.1 by default, TLS is a proxy's job.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

export async function registerSecurityHeaders(app: FastifyInstance) {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
  });
}
