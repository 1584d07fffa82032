/**
 * The replica check a push-lane worker makes before applying a job under replica waits
 * (adapters/queue/lane-job-replicated.ts), on a private 3 + 3 Redis Cluster: a job this worker holds passes once
 * its master's replica has it; a job it does not hold is not applied; with no replica connected the check fails
 * as unavailable (the worker retries it in place) instead of passing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Queue, Worker } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import { bullPrefix } from '../../src/adapters/queue/bull-prefix.js';
import { laneJobReplicated } from '../../src/adapters/queue/lane-job-replicated.js';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { NO_REPLICA_ACK } from '../../src/adapters/redis/replica-ack.js';
import type { EddyRedis } from '../../src/adapters/redis/scripts.js';
import { redisTarget } from '../../src/compose.js';
import { parseConfig } from '../../src/config.js';
import { isConnectionError } from '../../src/services/retry-in-place.js';
import { uniquePrefix } from '../helpers/redis.js';
import { type PrivateCluster, startPrivateCluster } from '../helpers/redis-cluster.js';

const QUEUE = 'push-lane-0';
const ACK = { replicas: 1, timeoutMs: 300 };

let cluster: PrivateCluster;
let connection: EddyRedis;
let queue: Queue;
let worker: Worker;

before(async () => {
  cluster = await startPrivateCluster();
  const config = parseConfig({ REDIS_CLUSTER_NODES: cluster.seeds, LOG_LEVEL: 'silent' });
  connection = connectRedis(redisTarget(config, ''), 'worker');
  const prefix = bullPrefix(connection, uniquePrefix('ljr'), QUEUE);
  queue = new Queue(QUEUE, { connection, prefix });
  worker = new Worker(QUEUE, null, { connection, prefix, autorun: false });
});

after(async () => {
  await worker.close();
  await queue.close();
  connection.disconnect();
  await cluster.stop();
});

/** Adds a job and takes it as a worker does; returns it with this worker's lock token. */
async function heldJob() {
  await queue.add('push', { n: 1 });
  const token = randomUUID();
  const job = await worker.getNextJob(token, { block: false });
  assert.ok(job, 'the job was not handed out');
  return { job, token };
}

test('a job this worker holds passes once its master has a replica that holds it', async () => {
  const { job, token } = await heldJob();
  assert.equal(await laneJobReplicated(connection, ACK, job, token, 30_000), true);
  // Without replica waits there is nothing to check.
  assert.equal(await laneJobReplicated(connection, NO_REPLICA_ACK, job, 'not-the-token', 30_000), true);
});

test('a job this worker does not hold (gone, or taken by another) is not applied here', async () => {
  const { job } = await heldJob();
  assert.equal(await laneJobReplicated(connection, ACK, job, 'another-token', 30_000), false);
  await job.remove().catch(() => {});
  const gone = await heldJob();
  await cluster.client().del(`${gone.job.queueQualifiedName}:${gone.job.id}:lock`);
  assert.equal(await laneJobReplicated(connection, ACK, gone.job, gone.token, 30_000), false);
});

test('no replica connected: the check fails as unavailable, and a worker retries it', async () => {
  const { job, token } = await heldJob();
  // The queue's master loses its replica: the replica is killed (the helper kills what it started).
  const slot = calculateSlot(job.queueQualifiedName);
  const probe = cluster.client();
  const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  probe.disconnect();
  const masterPort = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  const replicas = await cluster.replicasOf(masterPort);
  assert.equal(replicas.length, 1, 'the queue master has one replica');
  await cluster.killNode(replicas[0]!);
  const err = await laneJobReplicated(connection, ACK, job, token, 30_000).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error && err.name === 'ReplicaAckError', String(err));
  assert.equal((err as { code?: string }).code, 'UNAVAILABLE');
  assert.ok(isConnectionError(err), 'a worker retries it in place');
});
