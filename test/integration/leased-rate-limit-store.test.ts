/**
 * The leased rate-limit store against a real Redis: several instances (one store each, as in several API
 * processes) never grant more than `max` per window together, waste at most `chunk - 1` per instance, ask Redis
 * once per lease rather than once per request, answer "full" locally, start over when the window ends, and pass
 * Redis errors to the caller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { chunkFor, leasedRateLimitStore } from '../../src/adapters/redis/leased-rate-limit-store.js';
import { privateRedis, uniquePrefix } from '../helpers/redis.js';

interface Answer {
  allowed: boolean;
  current: number;
  ttl: number;
}

type Store = InstanceType<ReturnType<typeof leasedRateLimitStore>>;

const take = (store: Store, key: string, windowMs: number, max: number) =>
  new Promise<Answer>((resolve, reject) =>
    store.incr(
      key,
      (err, res) => (err ? reject(err) : resolve({ allowed: res!.current <= max, ...res! })),
      windowMs,
      max,
    ),
  );

const newStore = (redis: Redis, ns: string) => {
  const Store = leasedRateLimitStore(redis, ns);
  return new Store({});
};

describe('leased rate-limit store', () => {
  let redis: Redis;
  before(async () => {
    redis = new Redis((await privateRedis()).url);
  });
  after(() => redis.disconnect());

  test('three instances sending concurrently never get more than max per window, and lose at most chunk - 1 each', async () => {
    const ns = `${uniquePrefix('rl')}:`;
    const max = 1_000;
    const chunk = chunkFor(max);
    assert.equal(chunk, 10);
    const stores = [newStore(redis, ns), newStore(redis, ns), newStore(redis, ns)];
    const answers = await Promise.all(
      Array.from({ length: 1_500 }, (_, i) => take(stores[i % 3]!, 'key-1', 60_000, max)),
    );
    const allowed = answers.filter((a) => a.allowed).length;
    assert.ok(allowed <= max, `${allowed} allowed`);
    assert.ok(allowed >= max - stores.length * (chunk - 1), `${allowed} allowed`);
    for (const a of answers) assert.ok(a.ttl > 0 && a.ttl <= 60_000, `ttl ${a.ttl}`);
    // Every allowed answer reports a use count within the limit; every denied one is over it.
    for (const a of answers) assert.equal(a.current <= max, a.allowed);
  });

  test('Redis is asked once per lease, not per request, and not at all once the window is known to be full', async () => {
    const ns = `${uniquePrefix('rl')}:`;
    const max = 500; // chunk 5
    const store = newStore(redis, ns);
    const counterKey = `${ns}key-2`;
    const answers = await Promise.all(Array.from({ length: 42 }, () => take(store, 'key-2', 60_000, max)));
    assert.ok(answers.every((a) => a.allowed));
    // 42 requests took ceil(42 / 5) = 9 leases of 5 permits: the counter shows 45 leased, not 42 requests.
    assert.equal(Number(await redis.get(counterKey)), 45);
    // Use the window up, then see the counter stop moving while requests are refused.
    const rest = await Promise.all(Array.from({ length: 500 }, () => take(store, 'key-2', 60_000, max)));
    assert.equal(rest.filter((a) => a.allowed).length, max - 42);
    const leased = Number(await redis.get(counterKey));
    const refused = await Promise.all(Array.from({ length: 50 }, () => take(store, 'key-2', 60_000, max)));
    assert.ok(refused.every((a) => !a.allowed && a.current === max + 1));
    assert.equal(Number(await redis.get(counterKey)), leased);
  });

  test('a limit under 200 is counted request by request, so use counts are exact across instances', async () => {
    const ns = `${uniquePrefix('rl')}:`;
    const [a, b] = [newStore(redis, ns), newStore(redis, ns)];
    const currents: number[] = [];
    for (let i = 0; i < 7; i++) {
      const answer = await take(i % 2 ? b : a, 'ip:127.0.0.1', 60_000, 6);
      currents.push(answer.current);
    }
    assert.deepEqual(currents, [1, 2, 3, 4, 5, 6, 7]);
  });

  test('when the window ends, unspent permits are void and a new window starts', async () => {
    const ns = `${uniquePrefix('rl')}:`;
    const store = newStore(redis, ns);
    const max = 300; // chunk 3
    const first = await Promise.all(Array.from({ length: 301 }, () => take(store, 'k', 300, max)));
    assert.equal(first.filter((a) => a.allowed).length, max);
    await new Promise((r) => setTimeout(r, 350));
    const second = await take(store, 'k', 300, max);
    assert.equal(second.allowed, true);
    assert.equal(second.current, 1);
    assert.equal(Number(await redis.get(`${ns}k`)), 3);
  });

  test('a Redis error reaches every waiting request, and the next request asks Redis again', async () => {
    const ns = `${uniquePrefix('rl')}:`;
    const broken = new Redis((await privateRedis()).url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    const store = newStore(broken, ns);
    await broken.connect();
    broken.disconnect();
    const results = await Promise.allSettled([take(store, 'k', 60_000, 10), take(store, 'k', 60_000, 10)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    await broken.connect();
    assert.equal((await take(store, 'k', 60_000, 10)).allowed, true);
    broken.disconnect();
  });
});
