/**
 * API-key authorization. Each route declares the scope it needs in its config (`config: { scope: 'read' }`);
 * routes under `/admin` need `admin` whatever they declare; routes without a scope (health, readiness,
 * metrics, docs) are open. An onRequest hook enforces it:
 *
 * - no key, or a key that is not configured: 401 `UNAUTHORIZED`;
 * - a known key without the scope: 403 `FORBIDDEN`;
 *
 * both as problem+json with a `WWW-Authenticate: Bearer` challenge (under /admin also `Basic`, so a browser asks
 * for the key when opening the queue dashboard). Without configured keys every route is open; that is only
 * allowed outside production (`assertAuthConfigured`).
 *
 * An onRoute hook (`declareScope`) also puts `security: [{ bearerAuth: [] }]` and the 401/403/429 responses
 * into each protected route's schema, so the OpenAPI document shows which operations need a key.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { type Config, ConfigError } from '../../config.js';
import { grants, type Keyring, type Principal, presentedKey, type Scope } from '../keyring.js';
import { problem, sendProblem } from '../problem.js';
import { problemRef } from '../schemas/common.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a key needs for this route; absent: the route is open. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** The key's principal once identified (null: no or unknown key); undefined until then. */
    principal: Principal | null | undefined;
  }
  interface FastifyInstance {
    keyring: Keyring;
  }
}

/** Refuses to run an API without keys in production (NODE_ENV=production). */
export function assertAuthConfigured(config: Pick<Config, 'apiKeys' | 'production'>) {
  if (config.production && config.apiKeys.length === 0) {
    throw new ConfigError(
      'EDDY_API_KEYS',
      'is required when NODE_ENV=production (e.g. EDDY_API_KEYS=admin:<key>,read+write:<key>); ' +
        'without keys the API would be open to anyone',
    );
  }
}

/** The principal of a request's key, identified once per request (constant-time, see keyring.ts). */
export function principalOf(request: FastifyRequest): Principal | null {
  if (request.principal === undefined) {
    const key = presentedKey(request.headers.authorization);
    request.principal = key === null ? null : request.server.keyring.identify(key);
  }
  return request.principal;
}

const ADMIN_PREFIX = '/admin';

function challenge(url: string, extra = '') {
  const bearer = `Bearer realm="eddy"${extra}`;
  return url.startsWith(ADMIN_PREFIX) ? [bearer, 'Basic realm="eddy-admin", charset="UTF-8"'] : bearer;
}

function deny(request: FastifyRequest, reply: FastifyReply, required: Scope, principal: Principal | null) {
  const url = request.routeOptions.url ?? '';
  if (!principal) {
    const given = presentedKey(request.headers.authorization) !== null;
    reply.header('www-authenticate', challenge(url, given ? ', error="invalid_token"' : ''));
    return sendProblem(
      reply,
      request,
      problem(
        'UNAUTHORIZED',
        given ? 'the API key is not valid' : 'this route needs an API key: send Authorization: Bearer <key>',
      ),
    );
  }
  reply.header('www-authenticate', challenge(url, `, error="insufficient_scope", scope="${required}"`));
  return sendProblem(
    reply,
    request,
    problem('FORBIDDEN', `this API key lacks the '${required}' scope`, { requiredScope: required }),
  );
}

/**
 * Settles a route's scope (everything under /admin needs `admin`) and, for a protected route, writes into its
 * schema what the OpenAPI document shows: `security`, the 401/403/429 responses and the scope it needs.
 */
function declareScope(route: RouteOptions) {
  route.config ??= {};
  const config = route.config as { scope?: Scope };
  if (route.url.startsWith(ADMIN_PREFIX)) config.scope = 'admin';
  if (!config.scope) return;
  route.schema ??= {};
  const schema = route.schema as Record<string, unknown>;
  const response = (schema.response ?? {}) as Record<string | number, unknown>;
  schema.security = [{ bearerAuth: [] }];
  schema.response = {
    ...response,
    401: { ...problemRef, description: 'No API key, or an unknown one' },
    403: { ...problemRef, description: `The API key lacks the '${config.scope}' scope` },
    429: { ...problemRef, description: 'Rate limit exceeded; see Retry-After' },
  };
  if (typeof schema.summary === 'string' && !schema.description) {
    schema.description = `Requires an API key with the \`${config.scope}\` scope${config.scope === 'admin' ? '' : ' (or `admin`)'}.`;
  }
}

async function auth(app: FastifyInstance, options: { keyring: Keyring }) {
  app.decorate('keyring', options.keyring);
  app.decorateRequest('principal', undefined);

  app.addHook('onRoute', declareScope);

  app.addHook('onRequest', async (request, reply) => {
    const required = request.routeOptions.config.scope;
    if (!required || request.server.keyring.open) return;
    const principal = principalOf(request);
    if (!principal || !grants(principal.scopes, required)) return deny(request, reply, required, principal);
    request.log = request.log.child({ keyId: principal.id });
    reply.log = request.log;
  });
}

export const authPlugin = fp(auth, { name: 'eddy-auth', fastify: '5.x' });
