/**
 * The workers' ear on the view registry: redis-view-registry.ts publishes a view's name on `keys.viewChanges()`
 * whenever the view is created, versioned or deleted, and this calls `onChange` with it, so a new Kinesis view
 * starts reading at once instead of at the next discovery round (`EDDY_KINESIS_DISCOVERY_MS`). A message is a
 * hint, not the truth: the listener re-reads the registry, and a message lost while the connection was down is
 * made up for by the periodic round. The subscription has a connection of its own (a subscribed connection can
 * do nothing else); ioredis subscribes again after a reconnect.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { KeyLayout } from './keys.js';

export interface ViewChanges {
  close(): Promise<void>;
}

export async function subscribeViewChanges(
  redis: Redis,
  keys: KeyLayout,
  onChange: (view: string) => void,
  log: Logger,
): Promise<ViewChanges> {
  const channel = keys.viewChanges();
  // A Cluster's duplicate() takes (startup nodes, options): it subscribes on one node, and Redis Cluster
  // forwards every PUBLISH to all nodes.
  const subscriber = redis.isCluster
    ? ((redis as unknown as Cluster).duplicate([], { lazyConnect: true }) as unknown as Redis)
    : redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
  subscriber.on('error', (err) => log.warn({ err: String(err) }, 'view-change subscription: Redis error'));
  subscriber.on('message', (from: string, view: string) => {
    if (from === channel) onChange(view);
  });
  await subscriber.connect();
  await subscriber.subscribe(channel);
  return {
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
