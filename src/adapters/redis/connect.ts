import { Redis } from 'ioredis';
import { defineEddyCommands, type EddyRedis } from './scripts.js';

/**
 * `request`: fails fast (the HTTP path must answer, not hang). `worker`: retries forever
 * (`maxRetriesPerRequest: null`, as BullMQ requires for workers).
 */
export function connectRedis(url: string, role: 'request' | 'worker'): EddyRedis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    // No auto-pipelining: the hot read path gathers one turn's reads into one script call itself
    // (gather-per-turn.ts); ioredis' auto-pipelining made young-generation collections slow under load.
    connectTimeout: 5000,
    connectionName: `eddy-${role}`,
  });
  return defineEddyCommands(redis);
}
