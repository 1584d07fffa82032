/**
 * With replica waits, a lane job is applied only once a replica holds it. A job's number is its records'
 * sequence number in the lane: were a job applied and then lost in a failover (its add not replicated yet), the
 * promoted master would hand the same number to the lane's next job, and the views' marks would take that job's
 * records as applied already. Extending the job's lock is a write on the queue's master that succeeds only while
 * the job exists there and this worker holds it; `WAIT` behind it on the same connection then proves a replica
 * has everything the master wrote before, the job's add included.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { masterAddress, type ReplicaAck, waitForReplicas } from '../redis/replica-ack.js';

/**
 * True once a replica holds `job` (at once when `ack` asks for none); false when this worker no longer holds the
 * job (it is gone, or stalled and taken by another worker): then it must not be applied here. Throws
 * ReplicaAckError (transient) while too few replicas acknowledge.
 */
export async function laneJobReplicated(
  connection: Redis,
  ack: ReplicaAck,
  job: Job,
  token: string,
  lockMs: number,
): Promise<boolean> {
  if (ack.replicas === 0) return true;
  const metaKey = job.queueQualifiedName.concat(':meta');
  const before = masterAddress(connection, metaKey);
  const held = await job.extendLock(token, lockMs);
  if (!held) return false;
  await waitForReplicas(connection, ack, metaKey, before);
  return true;
}
