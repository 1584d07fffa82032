/**
 * Route handlers see their request params, query and body typed from the route's TypeBox schemas only through
 * an instance with the TypeBox type provider; each route file wraps the app it is given with this.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

export const withTypeBox = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();
