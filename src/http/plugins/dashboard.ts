/**
 * The live dashboard at /dashboard/: static files from public/dashboard, the charting library (uPlot) served
 * from its installed package at /dashboard/vendor/uplot/ (no CDN), and /dashboard/anomaly-windows.json, the
 * labelled anomaly windows the entry hands in (the demo's NAB labels: sensor id → [{start, end}]) for shading.
 * The page itself reads only the public API; nothing here needs a key (no data but the shipped NAB labels).
 * Hidden from the OpenAPI document: these are files, not API operations.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const DASHBOARD_PATH = '/dashboard/';

/** Entity id → labelled anomaly windows ({start, end} in ISO-8601 UTC), shaded on the charts. */
export type LabelledWindows = Record<string, { start: string; end: string }[]>;

const PUBLIC_DIR = fileURLToPath(new URL('../../../public/dashboard/', import.meta.url));
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

export async function registerDashboard(
  app: FastifyInstance,
  load: () => Promise<LabelledWindows> = async () => ({}),
) {
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: DASHBOARD_PATH,
      decorateReply: false,
      index: ['index.html'],
    });
    // A browser pointed at the service's root lands on the dashboard (the API's own docs are at /docs).
    scope.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.redirect(DASHBOARD_PATH, 302),
    );
    // `/dashboard` → `/dashboard/`, keeping the query (view, entity, …): the page's relative URLs need the slash.
    scope.get(DASHBOARD_PATH.slice(0, -1), { schema: { hide: true } }, async (request, reply) => {
      const query = request.url.indexOf('?');
      return reply.redirect(`${DASHBOARD_PATH}${query < 0 ? '' : request.url.slice(query)}`, 301);
    });
    await scope.register(fastifyStatic, {
      root: UPLOT_DIR,
      prefix: `${DASHBOARD_PATH}vendor/uplot/`,
      decorateReply: false,
      index: false,
    });
    let windows: Promise<LabelledWindows> | null = null;
    scope.get(
      `${DASHBOARD_PATH}anomaly-windows.json`,
      { schema: { hide: true } },
      async (_request, reply) => {
        windows ??= load().catch((err: unknown) => {
          windows = null;
          throw err;
        });
        reply.header('cache-control', 'no-cache');
        return windows;
      },
    );
  });
}
