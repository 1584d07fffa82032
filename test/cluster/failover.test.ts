/**
 * A Redis Cluster master SIGKILLed during push ingestion (each test on a private 3 + 3 cluster, whatever
 * TEST_REDIS says). Its replica takes over, Eddy (API and worker in this process) goes on without a restart,
 * `/readyz` reports the outage and the recovery, and the killed node, started again on its port and config,
 * rejoins as a replica. docs/redis-cluster.md#failover states the promises checked here.
 *
 * The client retries every push not answered 2xx (as a client would); records carry event ids, so the retry of a
 * push that did land is a duplicate, not a second application. The oracle is computed here from the records sent:
 * each entity's count and sum.
 *
 * Three groups of entities: `before` (pushed and applied before the kill, then replicated), `during` (pushed
 * while the master is killed, promoted and restarted) and `after` (pushed once the cluster is whole again).
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
const ENTITIES = 12;
const PER_REQUEST = 24;
const LANES = 4;
/** Requests of the `during` group: the kill is sent with the first, the restart follows the promotion. */
const DURING_REQUESTS = 60;

const VIEW = {
  name: 'failover',
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '1h',
  eventIdField: 'rid',
  features: [
    { name: 'n', agg: 'count', window: '1h' },
    { name: 'total', agg: 'sum', field: 'v', window: '1h' },
  ],
};

type PushRecord = { id: string; ts: number; v: number; rid: string };
type Values = { n: number; total: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startEddyOn(cluster: PrivateCluster, waitReplicas: number) {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    EDDY_KEY_PREFIX: uniquePrefix('fo'),
    REDIS_CLUSTER_NODES: cluster.seeds,
    EDDY_REDIS_WAIT_REPLICAS: String(waitReplicas),
    EDDY_PUSH_LANES: String(LANES),
    // Shorter than the outage below, so a push waiting for a replica that is not there is refused in it.
    EDDY_REDIS_WAIT_TIMEOUT_MS: '500',
  });
  const runtime = await startRuntime(config, '', pino({ level: 'silent' }), { api: true, worker: true });
  const app = await buildEddyApp(runtime.deps, { logger: false });
  await app.ready();
  return { app, runtime };
}

/** The master port serving `tag`'s slot, as the cluster says now. */
async function masterOf(cluster: PrivateCluster, tag: string): Promise<number> {
  const client = cluster.client();
  try {
    const slot = calculateSlot(tag);
    const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  } finally {
    client.disconnect();
  }
}

let counter = 0;
/** One request's records for `group`'s entities, each with its own event id and value (1..7). */
function records(group: string): PushRecord[] {
  return Array.from({ length: PER_REQUEST }, () => {
    const k = counter++;
    return { id: `${group}-${k % ENTITIES}`, ts: T0 + k * 10, v: (k % 7) + 1, rid: `r${k}` };
  });
}

/** The oracle: each entity's count and sum over the records given. */
function oracle(sent: readonly PushRecord[]): Map<string, Values> {
  const out = new Map<string, Values>();
  for (const r of sent) {
    const v = out.get(r.id) ?? { n: 0, total: 0 };
    out.set(r.id, { n: v.n + 1, total: v.total + r.v });
  }
  return out;
}

async function failoverRun(waitReplicas: number) {
  // The cluster's processes are unref'd; a run waiting on a failover must not let the event loop empty.
  const keepAlive = setInterval(() => {}, 1000);
  const cluster = await startPrivateCluster();
  const eddy = await startEddyOn(cluster, waitReplicas);
  const { app } = eddy;
  const refusals: { status: number; code: string }[] = [];
  /** Sends until answered 2xx, as a client would; returns once accepted. */
  const push = async (batch: PushRecord[]) => {
    for (;;) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/feature-views/failover/records',
        payload: { records: batch },
      });
      if (res.statusCode === 202 || res.statusCode === 200) return;
      refusals.push({ status: res.statusCode, code: res.json().code });
      await sleep(100);
    }
  };
  const readiness: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      readiness.push((await app.inject({ url: '/readyz' })).statusCode);
      await sleep(50);
    }
  })();
  try {
    const created = await app.inject({ method: 'POST', url: '/v1/feature-views', payload: VIEW });
    assert.equal(created.statusCode, 201, created.body);
    // The victim serves push lane 0's queue (and, with 64 slot groups per view, some entities' states).
    const victim = await masterOf(cluster, 'q-push-lane-0');

    const before: PushRecord[] = [];
    for (let r = 0; r < 10; r++) {
      const batch = records('before');
      await push(batch);
      before.push(...batch);
    }
    const appliedBefore = oracle(before);
    await waitForValues(app, [...appliedBefore.keys()], (got) =>
      [...appliedBefore].every(([id, want]) => got.get(id)?.n === want.n),
    );
    await cluster.replicated();

    const during: PushRecord[] = [];
    const failover = cluster.killMaster(victim).then(async () => {
      await sleep(1500); // the new master has no replica until the killed node is back
      await cluster.restartNode(victim);
    });
    failover.catch(() => {});
    for (let r = 0; r < DURING_REQUESTS; r++) {
      const batch = records('during');
      await push(batch);
      during.push(...batch);
      await sleep(50);
    }
    await failover;
    assert.ok(!(await cluster.masters()).includes(victim), 'the killed node came back as a replica');

    const after: PushRecord[] = [];
    for (let r = 0; r < 10; r++) {
      const batch = records('after');
      await push(batch);
      after.push(...batch);
    }
    const expected = oracle([...before, ...during, ...after]);
    // Applied when the `after` group is: its last records are in the lanes behind every earlier record.
    const lastAfter = oracle(after);
    const values = await waitForValues(app, [...expected.keys()], (got) =>
      [...lastAfter].every(([id, want]) => got.get(id)?.n === want.n),
    );
    polling = false;
    await poller;
    const finalReady = (await app.inject({ url: '/readyz' })).statusCode;
    const status = (await app.inject({ url: '/v1/feature-views/failover/status' })).json();
    return { before, during, after, expected, values, readiness, finalReady, refusals, status };
  } finally {
    polling = false;
    await poller;
    await eddy.runtime.close().catch(() => {});
    await app.close().catch(() => {});
    await cluster.stop();
    clearInterval(keepAlive);
  }
}

/** Reads every entity's values until `done` says so (or 30 s pass: then the caller's assertions tell). */
async function waitForValues(
  app: Awaited<ReturnType<typeof startEddyOn>>['app'],
  entities: string[],
  done: (values: Map<string, Values>) => boolean,
): Promise<Map<string, Values>> {
  const deadline = Date.now() + 30_000;
  let values = new Map<string, Values>();
  for (;;) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: 'failover', entities, features: ['n', 'total'], asOf: 'latest' },
    });
    if (res.statusCode === 200) {
      const results = res.json().results as { entity: string; values: Partial<Values> }[];
      values = new Map(results.map((x) => [x.entity, { n: x.values.n ?? 0, total: x.values.total ?? 0 }]));
      if (done(values) || Date.now() > deadline) return values;
    } else if (Date.now() > deadline) return values;
    await sleep(200);
  }
}

function assertOutageSeen(run: Awaited<ReturnType<typeof failoverRun>>) {
  assert.equal(run.readiness[0], 200, 'ready before the kill');
  assert.ok(run.readiness.includes(503), `readiness never reported the outage: ${run.readiness.join(',')}`);
  assert.equal(run.finalReady, 200, 'ready again without a restart');
  // A push Eddy could not take is refused as unavailable, never answered 500.
  for (const r of run.refusals) assert.deepEqual(r, { status: 503, code: 'UNAVAILABLE' });
}

test('EDDY_REDIS_WAIT_REPLICAS=1: a master killed mid-stream loses and doubles nothing acknowledged', async () => {
  const run = await failoverRun(1);
  assertOutageSeen(run);
  // The promoted master had no replica until the killed node rejoined: pushes to it were refused meanwhile.
  assert.ok(run.refusals.length > 0, 'no push was refused while the new master had no replica');
  for (const [entity, want] of run.expected) assert.deepEqual(run.values.get(entity), want, entity);
  const sent = run.before.length + run.during.length + run.after.length;
  assert.equal(run.status.counts.accepted, sent, 'every record counted once');
  assert.equal(run.status.counts.rejected, 0);
});

test('without replica waits: what was replicated survives, nothing is doubled, ingestion goes on', async () => {
  const run = await failoverRun(0);
  assertOutageSeen(run);
  const exact = oracle([...run.before, ...run.after]);
  // Replicated before the kill, or acknowledged after the cluster was whole again: all there, once.
  for (const [entity, want] of exact) assert.deepEqual(run.values.get(entity), want, entity);
  // Acknowledged around the kill: what the master had not sent to its replica may be lost, never doubled.
  for (const [entity, want] of oracle(run.during)) {
    const got = run.values.get(entity) ?? { n: 0, total: 0 };
    assert.ok(
      got.n <= want.n && got.total <= want.total,
      `${entity}: ${JSON.stringify(got)} > ${JSON.stringify(want)}`,
    );
  }
});
