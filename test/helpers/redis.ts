/**
 * Every integration test file (node:test runs each file in its own process) starts its own redis-server on a
 * free loopback port, killed when the process exits; no test ever touches, let alone flushes, a Redis server
 * it did not start.
 */
import { type PrivateRedis, startPrivateRedis } from '../../src/runtime/redis-server.js';

let shared: Promise<PrivateRedis> | null = null;

/** The private Redis of this test file (started on first use, killed at process exit). */
export function privateRedis(): Promise<PrivateRedis> {
  if (!shared) {
    shared = startPrivateRedis();
    shared.then((r) => process.once('exit', () => r.process.kill('SIGKILL'))).catch(() => {});
  }
  return shared;
}

let counter = 0;
/** A key prefix unique to one test, so tests in one file never see each other's state. */
export const uniquePrefix = (label = 't') => `${label}${process.pid}x${++counter}`;
