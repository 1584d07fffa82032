import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { EddyError, ErrorCode } from '../../src/core/errors.js';
import { problemResponses, ViewNameParam } from '../../src/http/schemas/common.js';
import { FeatureViewSpecSchema } from '../../src/http/schemas/feature-view.js';
import { withTypeBox } from '../with-typebox.js';

export default function putFeatureView(app: FastifyInstance) {
  withTypeBox(app).put(
    '/v1/feature-views/:name',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'putFeatureView',
        tags: ['feature-views'],
        summary:
          'Create a view, or register a changed definition as a new version (an unchanged one is a no-op)',
        params: Type.Object({ name: ViewNameParam }),
        body: FeatureViewSpecSchema,
        response: {
          200: { ...Type.Ref('FeatureView'), description: 'A new version, or the unchanged current one' },
          201: { ...Type.Ref('FeatureView'), description: 'Created (version 1)' },
          ...problemResponses(400, 413, 415),
        },
      },
    },
    async (request, reply) => {
      if (request.body.name !== request.params.name) {
        throw new EddyError(
          ErrorCode.VALIDATION_FAILED,
          'body name must equal the name in the path',
          '/body/name',
        );
      }
      const { view, change } = await app.deps.catalog.put(request.body);
      return reply
        .code(change === 'created' ? 201 : 200)
        .header('x-eddy-change', change)
        .send(view);
    },
  );
}
