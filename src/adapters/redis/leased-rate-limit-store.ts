/**
 * A store for @fastify/rate-limit that keeps each bucket's fixed window in Redis, shared by every instance, but
 * asks Redis once per lease of `chunk` requests instead of once per request: a process leases a chunk
 * (`INCRBY chunk` on the window's counter), spends it locally without a round trip, and leases again when it
 * runs out. Once Redis says the window is used up, the process answers "over the limit" locally until the
 * window ends.
 *
 * Contract:
 * - Never more than `max` requests per window across all instances: a lease grants only what still fits.
 * - At most `chunk - 1` permits per instance and bucket may go unspent when the window ends (leased, unused),
 *   so a client spreading requests over N instances may get up to N × (chunk - 1) fewer than `max`.
 *   `chunk` is `max / 100` (at least 1): a limit under 200 per window is counted request by request.
 * - `current` (what the plugin turns into `x-ratelimit-remaining`) counts the permits granted to every instance
 *   so far minus this instance's unspent ones: exact when `chunk` is 1, otherwise an upper bound on use.
 * - Requests that arrive while a lease is in flight wait for it (one lease per bucket at a time).
 * - A Redis error fails the waiting requests with it (the plugin's `skipOnError` lets them through).
 * - Buckets are kept in memory up to `MAX_BUCKETS`; beyond it, ended windows are dropped first, then the
 *   oldest buckets (their unspent permits are lost: never more than `max` is granted).
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** KEYS[1]: the window's counter. ARGV: chunk, window ms. Returns {permits leased in the window, ms left}. */
const LEASE = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {total, ttl}
`;

export const MAX_BUCKETS = 10_000;

/** Permits leased per Redis call for a limit of `max` per window. */
export const chunkFor = (max: number) => Math.max(1, Math.floor(max / 100));

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

interface Bucket {
  /** Local clock time the window ends. */
  end: number;
  /** Permits granted to every instance in this window, as of this instance's last lease. */
  granted: number;
  /** This instance's unspent permits. */
  left: number;
  /** The window has no permits left. */
  full: boolean;
  /** Requests waiting for the lease in flight, or null when none is. */
  waiting: Callback[] | null;
}

interface LeaseCommand {
  eddyRateLease(key: string, chunk: number, windowMs: number): Promise<[number, number]>;
}

/** What a store needs besides its buckets: the Redis lease (key without the namespace) and the clock. */
interface LeaseContext {
  lease(key: string, chunk: number, windowMs: number): Promise<[number, number]>;
  clock: () => number;
}

/** The store constructor @fastify/rate-limit instantiates (`store` option). Keys: `<nameSpace><bucket>`. */
export function leasedRateLimitStore(
  redis: Redis,
  nameSpace: string,
  clock: () => number = Date.now,
): FastifyRateLimitStoreCtor {
  const r = redis as Redis & LeaseCommand;
  if (typeof r.eddyRateLease !== 'function')
    redis.defineCommand('eddyRateLease', { numberOfKeys: 1, lua: LEASE });
  const context: LeaseContext = {
    lease: (key, chunk, windowMs) => r.eddyRateLease(nameSpace + key, chunk, windowMs),
    clock,
  };
  return class extends LeasedStore {
    constructor() {
      super(context);
    }
  };
}

class LeasedStore implements FastifyRateLimitStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly context: LeaseContext) {}

  incr(key: string, cb: Callback, timeWindow: number, max: number): void {
    const now = this.context.clock();
    const b = this.bucket(key, now);
    if (b.waiting) {
      b.waiting.push(cb);
      return;
    }
    if (this.answer(b, cb, now, max)) return;
    b.waiting = [cb];
    this.lease(key, b, timeWindow, max);
  }

  /** The key's bucket, a new one when it has none or its window ended (its unspent permits are then void). */
  private bucket(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b && !b.waiting && now >= b.end) {
      this.buckets.delete(key);
      b = undefined;
    }
    if (!b) {
      b = { end: 0, granted: 0, left: 0, full: false, waiting: null };
      this.buckets.set(key, b);
      this.bound(now);
    }
    return b;
  }

  /** Answers from local state when it can (a permit left, or the window known to be full). */
  private answer(b: Bucket, cb: Callback, now: number, max: number): boolean {
    if (b.left > 0) {
      b.left--;
      cb(null, { current: b.granted - b.left, ttl: Math.max(0, b.end - now) });
      return true;
    }
    if (b.full && now < b.end) {
      cb(null, { current: max + 1, ttl: b.end - now });
      return true;
    }
    return false;
  }

  private lease(key: string, b: Bucket, timeWindow: number, max: number): void {
    const chunk = chunkFor(max);
    this.context.lease(key, chunk, timeWindow).then(
      ([total, ttl]) => this.leased(key, b, { total, ttl, chunk, timeWindow, max }),
      (err: Error) => {
        const waiting = b.waiting ?? [];
        if (this.buckets.get(key) === b) this.buckets.delete(key);
        for (const cb of waiting) cb(err);
      },
    );
  }

  /** Takes what fits of a lease into the bucket and answers the waiting requests it covers. */
  private leased(
    key: string,
    b: Bucket,
    lease: { total: number; ttl: number; chunk: number; timeWindow: number; max: number },
  ): void {
    const { total, ttl, chunk, timeWindow, max } = lease;
    const now = this.context.clock();
    const got = Math.min(chunk, Math.max(0, max - (total - chunk)));
    b.end = now + ttl;
    b.granted = total - chunk + got;
    b.left = got;
    b.full = b.granted >= max;
    const waiting = b.waiting!;
    b.waiting = null;
    let i = 0;
    while (i < waiting.length && this.answer(b, waiting[i]!, now, max)) i++;
    if (i < waiting.length) {
      // More waiting than this lease granted, and the window has room: lease again for the rest.
      b.waiting = waiting.slice(i);
      this.lease(key, b, timeWindow, max);
    }
  }

  private bound(now: number): void {
    if (this.buckets.size <= MAX_BUCKETS) return;
    for (const [k, b] of this.buckets) if (!b.waiting && now >= b.end) this.buckets.delete(k);
    for (const [k, b] of this.buckets) {
      if (this.buckets.size <= MAX_BUCKETS) break;
      if (!b.waiting) this.buckets.delete(k);
    }
  }

  /** Route-specific limits (`config.rateLimit: {…}`): Eddy has none, every route shares the global limit. */
  child(): FastifyRateLimitStore {
    throw new Error('per-route rate limits are not supported: use the global limit or `rateLimit: false`');
  }
}
