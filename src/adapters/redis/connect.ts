import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { type RedisTarget, standaloneTarget } from './redis-target.js';
import type { ReplicaAck } from './replica-ack.js';
import { defineEddyCommands, type EddyRedis } from './scripts.js';

export type ConnectionRole = 'request' | 'worker' | 'metrics';

/**
 * `request`: fails fast (the HTTP path must answer, not hang). `worker`: retries forever
 * (`maxRetriesPerRequest: null`, as BullMQ requires for workers). `metrics`: fails at once (a scrape).
 *
 * On a Redis Cluster the client is ioredis' `Cluster`, handed out typed as `Redis`: both have the same command
 * interface, and the code that must know the difference asks `isCluster` (slot-rule.ts, bull-prefix.ts).
 */
export function connectRedis(to: RedisTarget | string, role: ConnectionRole): EddyRedis {
  const target = typeof to === 'string' ? standaloneTarget(to) : to;
  const ack: ReplicaAck = { replicas: target.waitReplicas, timeoutMs: target.waitTimeoutMs };
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : role === 'metrics' ? 1 : 2,
    // No auto-pipelining on one server: the hot read path gathers one turn's reads into one call itself
    // (gather-per-turn.ts); ioredis' auto-pipelining made young-generation collections slow under load.
    connectTimeout: role === 'metrics' ? 2000 : 5000,
    connectionName: `eddy-${role}`,
  };
  if (!target.cluster) return defineEddyCommands(new Redis(target.url, options), ack);
  const { nodes, tls, username, password } = target.cluster;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...options,
      ...(tls && { tls: {} }),
      ...(username && { username }),
      ...(password && { password }),
    },
    // A call per slot group (slot-rule.ts) is many small commands: auto-pipelining sends those bound for one
    // node in one write.
    enableAutoPipelining: false,
    // A failover moves slots: retry a command that found its node gone while the new master is elected
    // (cluster-node-timeout plus the election), instead of failing it at once.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2000,
    ...(role === 'worker' && { maxRedirections: 64 }),
  };
  const cluster = new Cluster(nodes, clusterOptions);
  return defineEddyCommands(cluster as unknown as Redis, ack);
}
