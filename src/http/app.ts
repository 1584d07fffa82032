/**
 * The HTTP API as a function of its dependencies. `server` code (src/main.ts) only starts the process.
 */

import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import type { DeadLetterStore } from '../ports/dead-letters.js';
import type { Deliveries } from '../ports/deliveries.js';
import type { EntitySnapshots } from '../ports/entity-snapshots.js';
import type { EntityStore } from '../ports/entity-store.js';
import type { ApiMetrics } from '../ports/metrics.js';
import type { PushLanes } from '../ports/push-lanes.js';
import type { ViewCounters } from '../ports/view-counters.js';
import type { Readiness } from '../runtime/readiness.js';
import type { HistoricalApiDeps } from '../services/historical/historical-api.js';
import type { KinesisStatusDeps } from '../services/kinesis-shard-status.js';
import type { FeatureGroupIndex } from '../services/sagemaker-runtime/feature-group-index.js';
import type { SageMakerSinkApi } from '../services/sagemaker-sink/sink-api.js';
import type { ViewCatalog } from '../services/view-catalog.js';
import { keyring } from './keyring.js';
import { assertAuthConfigured, authPlugin } from './plugins/auth.js';
import { type LabelledWindows, registerDashboard } from './plugins/dashboard.js';
import { httpMetricsPlugin } from './plugins/http-metrics.js';
import { registerQueueDashboard } from './plugins/queue-dashboard.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerSwagger } from './plugins/swagger.js';
import { PROBLEM_CONTENT_TYPE, problem, sendProblem, toProblem } from './problem.js';
import { EntityResultSchema, OnlineFeaturesSchema, ProblemSchema } from './schemas/common.js';
import { FeatureViewSchema, FeatureViewSpecSchema } from './schemas/feature-view.js';

export interface AppDeps {
  config: Config;
  /** The rate limiter's store, shared by every API instance through Redis. */
  rateLimitStore: FastifyRateLimitStoreCtor;
  catalog: ViewCatalog;
  entities: EntityStore;
  /** Cached, read-only entity states for feature reads. */
  snapshots: EntitySnapshots;
  counters: ViewCounters;
  deadLetters: DeadLetterStore;
  lanes: PushLanes;
  /** Firehose deliveries already queued whole (a retried delivery is applied once). */
  deliveries: Deliveries;
  /** Kinesis shard status (shard list, reader lag, lease owners) for the status route. */
  kinesisStatus?: KinesisStatusDeps;
  /** This runtime's metrics (served at /metrics). */
  metrics: ApiMetrics;
  /** This process's readiness probes (served at /readyz). */
  readiness: Readiness;
  /** Every BullMQ queue of the deployment (shown by the queue dashboard). */
  queues: () => readonly Queue[];
  /** The SageMaker Feature Store sink (state, dead letters, replay). */
  sagemaker: SageMakerSinkApi;
  /** Which view answers for a SageMaker feature group (the SageMaker-compatible read API). */
  featureGroups: FeatureGroupIndex;
  /** Historical features (training data): uploads and jobs. */
  historical: HistoricalApiDeps;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

export interface BuildOptions {
  /** Registers the routes of this surface (the entry hands them in: src/http never imports routes/). */
  routes: (app: FastifyInstance) => Promise<void>;
  /** The dashboard's labelled anomaly windows (the demo's NAB labels), handed in by the entry. */
  labelledWindows?: () => Promise<LabelledWindows>;
  /** Logger configuration (tests), or … */
  logger?: FastifyServerOptions['logger'];
  /** … an existing pino logger (the process's). */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** `api` (default): every route. `operations`: only /healthz, /readyz and /metrics (a worker process). */
  surface?: 'api' | 'operations';
  /** Sees every route as it is registered (the authorization-matrix test iterates them). */
  onRoute?: (route: RouteOptions) => void;
}

/** Schemas routes refer to by `$id` (`Type.Ref('Problem')`, …), registered once for every route. */
const SHARED_SCHEMAS = [
  ProblemSchema,
  EntityResultSchema,
  OnlineFeaturesSchema,
  FeatureViewSpecSchema,
  FeatureViewSchema,
];

export async function buildApp(deps: AppDeps, options: BuildOptions) {
  const surface = options.surface ?? 'api';
  if (surface === 'api') assertAuthConfigured(deps.config);
  const app = createFastify(options);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.decorate('deps', deps);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  // Order matters: hooks run in registration order, and only routes registered after them get them.
  await registerRequestHooks(app, deps);
  if (surface === 'api' && app.keyring.open) {
    app.log.warn('EDDY_API_KEYS is not set: every route is open (allowed outside production only)');
  }
  if (surface === 'api') await registerSwagger(app);
  answerErrorsAsProblems(app);
  acceptJsonOnly(app);

  await app.register(options.routes);
  if (surface === 'api') await registerQueueDashboard(app, deps.queues());
  if (surface === 'api') await registerDashboard(app, options.labelledWindows);
  return app;
}

/** The server and its options: 1 MiB bodies, router errors as problems, TypeBox-typed routes. */
function createFastify(options: BuildOptions) {
  return Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? false }),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 1024 },
    // Errors the router raises before any route matches (a malformed URL, a parameter over 1,024 characters).
    frameworkErrors: (err, request, reply) => {
      const detail =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a path parameter is longer than 1024 characters'
          : 'the URL is malformed';
      return sendProblem(reply, request, problem('VALIDATION_FAILED', detail));
    },
    // JSON.parse keeps `__proto__` and `constructor` as own data keys, which can pollute nothing; refusing
    // them would reject a whole push for one record's unread key. Code copying keys must read own properties.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/** Metrics, security headers, rate limit, then authorization: every request passes them in this order. */
async function registerRequestHooks(app: FastifyInstance, deps: AppDeps) {
  await app.register(httpMetricsPlugin, { metrics: deps.metrics });
  await registerSecurityHeaders(app);
  await app.register(rateLimitPlugin, {
    store: deps.rateLimitStore,
    max: deps.config.rateLimit,
  });
  await app.register(authPlugin, { keyring: keyring(deps.config.apiKeys) });
}

/** Every error, and a request no route matches, is answered as problem+json; 5xx are logged. */
function answerErrorsAsProblems(app: FastifyInstance) {
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
}

/** Bodies are JSON (or problem+json, parsed the same): every other media type is 415. */
function acceptJsonOnly(app: FastifyInstance) {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    PROBLEM_CONTENT_TYPE,
    { parseAs: 'string' },
    app.getDefaultJsonParser('ignore', 'ignore'),
  );
}

export type App = Awaited<ReturnType<typeof buildApp>>;
