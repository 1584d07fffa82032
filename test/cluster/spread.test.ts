/**
 * On a Redis Cluster the load spreads over the masters: after a push for many entities every master holds entity
 * states of the view and push-lane queues, and ran Eddy's state scripts. Run with TEST_REDIS=cluster (test/run.sh).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { onCluster, privateCluster } from '../helpers/redis.js';

const T0 = Date.now() - 10 * 60_000;
let eddy: TestEddy;

before(async () => {
  eddy = await startEddy({ EDDY_PUSH_LANES: '8' });
});

after(async () => {
  await eddy.close();
});

/** A connection to each master now (the file's private cluster's own view), or the one server. */
async function masters(): Promise<Redis[]> {
  assert.ok(onCluster, 'run with TEST_REDIS=cluster');
  const ports = await (await privateCluster()).masters();
  return ports.map((port) => new Redis({ host: '127.0.0.1', port }));
}

/** Calls of EVALSHA (Eddy's scripts) a node has served, from INFO commandstats. */
async function scriptCalls(node: Redis): Promise<number> {
  const info = await node.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

test('every master holds entity states and lane queues, and runs state scripts', async () => {
  const nodes = await masters();
  assert.equal(nodes.length, 3, 'a 3-master cluster');
  const callsBefore = await Promise.all(nodes.map(scriptCalls));
  const register = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views',
    payload: {
      name: 'spread',
      entityKey: 'id',
      eventTime: { field: 'ts' },
      source: { type: 'push' },
      features: [{ name: 'total', agg: 'sum', field: 'x', window: '1h' }],
    },
  });
  assert.equal(register.statusCode, 201, register.body);
  const records = Array.from({ length: 400 }, (_, i) => ({ id: `e${i}`, ts: T0 + i, x: 1 }));
  const pushed = await eddy.app.inject({
    method: 'POST',
    url: '/v1/feature-views/spread/records?wait=true',
    payload: { records },
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  assert.equal(pushed.json().applied.accepted, 400);

  for (const [i, node] of nodes.entries()) {
    const states = await node.keys(`${eddy.prefix}:*spread*`);
    const lanes = await node.keys(`${eddy.prefix}:{q-push-lane-*`);
    const where = `master ${i} (${node.options.port})`;
    assert.ok(states.length > 0, `${where} holds entity states`);
    assert.ok(lanes.length > 0, `${where} holds push-lane queue keys`);
    assert.ok((await scriptCalls(node)) > callsBefore[i]!, `${where} ran state scripts`);
  }
  for (const node of nodes) node.disconnect();
});
