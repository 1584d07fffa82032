/**
 * The HTTP API as a function of its dependencies. `server` code (workers/main.ts) only starts the process.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { registerRoutes } from '../../routes/index.js';
import type { PushLanes } from '../adapters/queue/push-lanes.js';
import type { Config } from '../config.js';
import type { DeadLetterStore } from '../ports/dead-letters.js';
import type { EntityStore } from '../ports/entity-store.js';
import type { ViewCounters } from '../ports/view-counters.js';
import type { ViewCatalog } from '../services/view-catalog.js';
import { registerSwagger } from './plugins/swagger.js';
import { PROBLEM_CONTENT_TYPE, problem, sendProblem, toProblem } from './problem.js';
import { EntityResultSchema, OnlineFeaturesSchema, ProblemSchema } from './schemas/common.js';
import { FeatureViewSchema, FeatureViewSpecSchema } from './schemas/feature-view.js';

export interface AppDeps {
  config: Config;
  redis: Redis;
  catalog: ViewCatalog;
  entities: EntityStore;
  counters: ViewCounters;
  deadLetters: DeadLetterStore;
  lanes: PushLanes;
  /** Reports whether this process's workers are running (for /readyz); absent in an API-only process. */
  workersRunning?: () => boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

/** Largest request body (push route: 5 MiB per PRODUCT.md §4). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface BuildOptions {
  /** Logger configuration (tests), or … */
  logger?: FastifyServerOptions['logger'];
  /** … an existing pino logger (the process's). */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
}

export async function buildApp(deps: AppDeps, options: BuildOptions = {}) {
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 1024 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  for (const schema of [
    ProblemSchema,
    EntityResultSchema,
    OnlineFeaturesSchema,
    FeatureViewSpecSchema,
    FeatureViewSchema,
  ]) {
    app.addSchema(schema);
  }
  await registerSwagger(app);

  app.setErrorHandler((err, request, reply) => {
    const p = toProblem(err as Error);
    if (p.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(reply, request, p);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      problem('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  // JSON only: every other media type is 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    PROBLEM_CONTENT_TYPE,
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  await app.register(registerRoutes);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
