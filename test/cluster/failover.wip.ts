/**
 * A Redis Cluster master SIGKILLed during push ingestion (always on a private 3+3 cluster, whatever TEST_REDIS
 * says): its replica takes over, Eddy goes on without a restart, and /readyz reports the outage and the recovery.
 * The client retries every push that was not accepted (records carry event ids, so a retry of a push that did
 * land counts as a duplicate). With EDDY_REDIS_WAIT_REPLICAS=1 every accepted record is in the online values,
 * exactly once: each entity's count equals the records sent for it (the oracle: counted here, from the records).
 * Without it a failover may lose the last acknowledged writes: values never exceed the oracle, and ingestion
 * after the failover is complete.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { pino } from 'pino';
import { buildEddyApp, startRuntime } from '../../src/assemble.js';
import { parseConfig } from '../../src/config.js';
import { uniquePrefix } from '../helpers/redis.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/redis-cluster.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const ENTITIES = 20;
const REQUESTS = 40;
const PER_REQUEST = 25;

const VIEW = {
  name: 'failover',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '1h',
  eventIdField: 'rid',
  features: [{ name: 'n', agg: 'count', window: '1h' }],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startEddyOn(cluster: PrivateCluster, waitReplicas: number) {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    EDDY_KEY_PREFIX: uniquePrefix('fo'),
    REDIS_CLUSTER_NODES: cluster.seeds,
    EDDY_REDIS_WAIT_REPLICAS: String(waitReplicas),
    EDDY_PUSH_LANES: '4',
  });
  const runtime = await startRuntime(config, '', pino({ level: 'silent' }), { api: true, worker: true });
  const app = await buildEddyApp(runtime.deps, { logger: false });
  await app.ready();
  return { app, runtime, config };
}

async function failoverRun(waitReplicas: number) {
  // The cluster's processes are unref'd; a run waiting on a failover must not let the event loop empty.
  const keepAlive = setInterval(() => {}, 1000);
  const cluster = await startPrivateCluster();
  const eddy = await startEddyOn(cluster, waitReplicas);
  try {
    const created = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: VIEW });
    assert.equal(created.statusCode, 201, created.body);
    // The victim: the master serving the view's counters and marks (`{failover}`), in the middle of the run.
    const victimSlot = calculateSlot('failover');
    const masters = await cluster.masters();
    const client = cluster.client();
    const nodes = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    client.disconnect();
    const victim = nodes.find(([from, to]) => victimSlot >= from && victimSlot <= to)![2][1];
    assert.ok(masters.includes(victim));

    const expected = new Map<string, number>();
    const readiness: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        readiness.push((await eddy.app.inject({ url: '/readyz' })).statusCode);
        await sleep(100);
      }
    })();
    let retries = 0;
    let killing: Promise<void> | null = null;
    for (let r = 0; r < REQUESTS; r++) {
      if (r === REQUESTS / 2) killing = cluster.killMaster(victim).then(() => cluster.restartNode(victim));
      const records = Array.from({ length: PER_REQUEST }, (_, i) => {
        const k = r * PER_REQUEST + i;
        const id = `e${k % ENTITIES}`;
        return { id, ts: T0 + k * 100, rid: `r${k}` };
      });
      // Retried until accepted, as a client would.
      for (;;) {
        const res = await eddy.app.inject({
          method: 'POST',
          url: '/v1/feature-views/failover/records',
          payload: { records },
        });
        if (res.statusCode === 202 || res.statusCode === 200) break;
        retries++;
        await sleep(200);
      }
      for (const rec of records) expected.set(rec.id, (expected.get(rec.id) ?? 0) + 1);
      await sleep(20);
    }
    await killing;
    // Every record applied: the pushes after the failover land too.
    const deadline = Date.now() + 60_000;
    let values: Map<string, number> = new Map();
    for (;;) {
      const res = await eddy.app.inject({
        method: 'POST',
        url: '/v1/online-features',
        payload: { featureView: 'failover', entities: [...expected.keys()], features: ['n'], asOf: 'latest' },
      });
      if (res.statusCode === 200) {
        values = new Map(
          res
            .json()
            .results.map((x: { entity: string; values: { n: number } }) => [x.entity, x.values.n ?? 0]),
        );
        const total = [...values.values()].reduce((a, b) => a + b, 0);
        if (waitReplicas > 0 ? total >= REQUESTS * PER_REQUEST : Date.now() > deadline - 50_000) {
          await sleep(waitReplicas > 0 ? 0 : 2000);
          break;
        }
      }
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    polling = false;
    await poller;
    const finalReady = (await eddy.app.inject({ url: '/readyz' })).statusCode;
    return { expected, values, readiness, finalReady, retries };
  } finally {
    await eddy.runtime.close().catch(() => {});
    await eddy.app.close().catch(() => {});
    await cluster.stop();
    clearInterval(keepAlive);
  }
}

test('EDDY_REDIS_WAIT_REPLICAS=1: a master killed mid-stream loses nothing accepted; /readyz goes down and up', async () => {
  const run = await failoverRun(1);
  for (const [entity, n] of run.expected) assert.equal(run.values.get(entity), n, `entity ${entity}`);
  assert.ok(run.readiness.includes(503), `readiness never reported the outage: ${run.readiness.join(',')}`);
  assert.equal(run.readiness[0], 200);
  assert.equal(run.finalReady, 200);
});

test('without replica waits: Eddy recovers without a restart and never counts a record twice', async () => {
  const run = await failoverRun(0);
  let lost = 0;
  for (const [entity, n] of run.expected) {
    const got = run.values.get(entity) ?? 0;
    assert.ok(got <= n, `entity ${entity}: ${got} > ${n}`);
    lost += n - got;
  }
  // What an asynchronous failover may lose is bounded by what was in flight when the master died.
  assert.ok(lost <= (REQUESTS * PER_REQUEST) / 2, `lost ${lost}`);
  assert.ok(run.readiness.includes(503));
  assert.equal(run.finalReady, 200);
});
