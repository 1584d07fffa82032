import { Redis } from 'ioredis';
import { defineEddyCommands, type EddyRedis } from './scripts.js';

/**
 * `request`: fails fast (the HTTP path must answer, not hang). `worker`: retries forever
 * (`maxRetriesPerRequest: null`, as BullMQ requires for workers).
 */
export function connectRedis(url: string, role: 'request' | 'worker'): EddyRedis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    // The request path issues many small commands concurrently: batch those of one tick into one write.
    enableAutoPipelining: role === 'request',
    connectTimeout: 5000,
    connectionName: `eddy-${role}`,
  });
  return defineEddyCommands(redis);
}
