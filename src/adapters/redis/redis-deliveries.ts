import type { Deliveries } from '../../ports/deliveries.js';
import { PUSH_ONCE_WINDOW_MS } from '../../ports/push-lanes.js';
import type { KeyLayout } from './keys.js';
import type { EddyRedis } from './scripts.js';

/** One string per delivery, expiring with the lanes' once window. */
export function redisDeliveries(redis: EddyRedis, keys: KeyLayout): Deliveries {
  return {
    async done(view, pushId) {
      return (await redis.exists(keys.firehoseDelivery(view, pushId))) === 1;
    },
    async markDone(view, pushId) {
      await redis.set(keys.firehoseDelivery(view, pushId), '1', 'PX', PUSH_ONCE_WINDOW_MS);
    },
  };
}
