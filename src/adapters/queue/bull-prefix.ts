import type { Redis } from 'ioredis';

/**
 * BullMQ key prefix of one queue, under Eddy's prefix. BullMQ needs all keys of a queue in one slot, so the
 * prefix carries a hash tag. On one server every queue shares `{q}` (the layout queued jobs of earlier versions
 * live under, so an upgraded deployment finds them); on a Redis Cluster each queue has its own tag,
 * `{q-<queue>}`, so push lanes, Kinesis batches and the sink queue spread over the masters
 * (docs/redis-cluster.md). Workers, QueueEvents and readers of a queue must use the same prefix.
 */
export const bullPrefix = (connection: Redis, keyPrefix: string, queueName: string) =>
  connection.isCluster ? `${keyPrefix}:{q-${queueName}}` : `${keyPrefix}:{q}`;
