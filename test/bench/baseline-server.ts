/**
 * The read baseline: the least any online read can do with this Redis — a Fastify route answering one ioredis
 * HGETALL of a hash of precomputed feature values (what a store that precomputes features at write time serves).
 * Same process shape as Eddy (its own process, Fastify, one ioredis connection, 127.0.0.1). Env: PORT, REDIS_URL.
 */
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 2, enableAutoPipelining: false });
const app = Fastify({ logger: false });

app.get('/healthz', async () => ({ status: 'ok' }));
app.get<{ Params: { key: string } }>('/baseline/:key', async (request) => ({
  entity: request.params.key,
  values: await redis.hgetall(request.params.key),
}));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
const stop = async () => {
  await app.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
