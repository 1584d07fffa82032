/**
 * Where Eddy's Redis is: one server (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`), and how long state
 * writes wait for replicas (`EDDY_REDIS_WAIT_REPLICAS`). Every connection of a process is opened from it.
 */
import type { RedisClusterConfig } from '../../config.js';

export interface RedisTarget {
  /** The standalone server's URL; ignored when `cluster` is set. */
  url: string;
  cluster: RedisClusterConfig | null;
  /** Replicas that must acknowledge a state write (0: none; see replica-ack.ts). */
  waitReplicas: number;
  waitTimeoutMs: number;
}

/** A standalone target with no replica waits (tests and tools that hold only a URL). */
export const standaloneTarget = (url: string): RedisTarget => ({
  url,
  cluster: null,
  waitReplicas: 0,
  waitTimeoutMs: 0,
});

/** Names the target in logs without credentials. */
export function describeTarget(target: RedisTarget): string {
  if (target.cluster) return `cluster ${target.cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  const url = new URL(target.url);
  return `${url.protocol}//${url.host}`;
}
