import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const OPENAPI_INFO = {
  title: 'Eddy',
  description:
    'Streaming feature store for real-time ML: register feature views, push or stream records from Kinesis, ' +
    'read windowed aggregates online. Errors are application/problem+json with a stable `code`.',
  version: '1.0.0',
};

/** OpenAPI 3 at /docs/json, Swagger UI at /docs. Shared schemas keep their `$id` as component names. */
export async function registerSwagger(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: OPENAPI_INFO,
      tags: [
        { name: 'feature-views', description: 'Register, version and inspect feature views' },
        { name: 'ingest', description: 'Push records and manage dead letters' },
        { name: 'serving', description: 'Online feature reads' },
        {
          name: 'training',
          description: 'Point-in-time training sets (historical features) from uploads or Kinesis history',
        },
        { name: 'operations', description: 'Health and metrics' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from EDDY_API_KEYS' },
          firehoseAccessKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Amz-Firehose-Access-Key',
            description:
              'An API key from EDDY_API_KEYS with the write scope (the Firehose stream access key)',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
