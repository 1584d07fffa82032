/**
 * Generates the OpenAPI document from the routes' schemas. The app is built with dependencies that are never
 * called (generation only reads route schemas), so no Redis is needed.
 */
import { parseConfig } from '../src/config.js';
import { type AppDeps, buildApp } from '../src/http/app.js';

function unused(name: string): never {
  throw new Error(`${name} is not available while generating the OpenAPI document`);
}

export async function generateOpenApi(): Promise<Record<string, unknown>> {
  const absent = (name: string) => new Proxy({}, { get: (_t, prop) => unused(`${name}.${String(prop)}`) });
  const deps = {
    config: parseConfig({}),
    redis: absent('redis'),
    catalog: absent('catalog'),
    entities: absent('entities'),
    counters: absent('counters'),
    deadLetters: absent('deadLetters'),
    lanes: absent('lanes'),
  } as unknown as AppDeps;
  const app = await buildApp(deps);
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return doc;
}

export const serializeOpenApi = (doc: Record<string, unknown>) => `${JSON.stringify(doc, null, 2)}\n`;
