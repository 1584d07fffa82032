/**
 * Every integration test file (node:test runs each file in its own process) starts its own redis-server on a
 * free loopback port, killed when the process exits; no test ever touches, let alone flushes, a Redis server
 * it did not start. With `TEST_REDIS=cluster` the file's Redis is a private 3-master Redis Cluster instead
 * (redis-cluster.ts), and Eddy connects to it with REDIS_CLUSTER_NODES.
 */
import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import { type PrivateRedis, startPrivateRedis } from '../../src/runtime/redis-server.js';
import { type PrivateCluster, startPrivateCluster } from './redis-cluster.js';

export const onCluster = process.env.TEST_REDIS === 'cluster';

let shared: Promise<PrivateRedis> | null = null;
let sharedCluster: Promise<PrivateCluster> | null = null;

/** The private Redis of this test file (started on first use, killed at process exit). */
export function privateRedis(): Promise<PrivateRedis> {
  if (!shared) {
    shared = startPrivateRedis();
    shared.then((r) => process.once('exit', () => r.process.kill('SIGKILL'))).catch(() => {});
  }
  return shared;
}

/** The private Redis Cluster of this test file (started on first use, killed at process exit). */
export function privateCluster(): Promise<PrivateCluster> {
  sharedCluster ??= startPrivateCluster();
  return sharedCluster;
}

/** What a test's Eddy connects to: env for parseConfig, and the URL compose gets (unused on a cluster). */
export async function testRedisEnv(): Promise<{ url: string; env: Record<string, string> }> {
  if (onCluster) {
    const cluster = await privateCluster();
    return { url: 'redis://cluster.invalid:6379', env: { REDIS_CLUSTER_NODES: cluster.seeds } };
  }
  const redis = await privateRedis();
  return { url: redis.url, env: { REDIS_URL: redis.url } };
}

/** A client of the test's own to the file's Redis (a Cluster client on a cluster, typed as Redis). */
export async function testRedisClient(options: RedisOptions = {}): Promise<Redis> {
  if (onCluster) return (await privateCluster()).client(options);
  return new Redis((await privateRedis()).url, options);
}

let counter = 0;
/** A key prefix unique to one test, so tests in one file never see each other's state. */
export const uniquePrefix = (label = 't') => `${label}${process.pid}x${++counter}`;

/** The keys matching `pattern` on the file's Redis: on a cluster, gathered from every master. */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  if (!onCluster) return redis.keys(pattern);
  const masters = (redis as unknown as Cluster).nodes('master');
  return (await Promise.all(masters.map((node) => node.keys(pattern)))).flat();
}
