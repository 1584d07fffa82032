/**
 * Replica acknowledgement of state writes (`EDDY_REDIS_WAIT_REPLICAS`). Redis replicates asynchronously: a
 * master that dies right after answering a write can take it along, and the replica promoted in its place never
 * saw it. With `replicas` > 0 a state write is followed, on the same connection and in the same pipeline, by
 * `WAIT replicas timeout`; fewer acknowledgements than asked make the write fail (its caller retries: every
 * state write is idempotent or a compare-and-set), so nothing is reported done before a replica holds it.
 * docs/redis-cluster.md states what this does and does not guarantee.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { EddyError, ErrorCode } from '../../core/errors.js';

export interface ReplicaAck {
  /** Replicas that must hold a write before it counts as done; 0 sends no WAIT. */
  replicas: number;
  timeoutMs: number;
}

export const NO_REPLICA_ACK: ReplicaAck = { replicas: 0, timeoutMs: 0 };

/**
 * Too few replicas acknowledged a write (none may be connected yet, e.g. right after a failover). Unavailable,
 * not failed: the API answers 503 and the caller retries; a worker retries in place (services/retry-in-place.ts
 * knows it by its name).
 */
export class ReplicaAckError extends EddyError {
  constructor(asked: number, got: number) {
    super(ErrorCode.UNAVAILABLE, `only ${got} of ${asked} replicas acknowledged a write in time; retry`);
    this.name = 'ReplicaAckError';
  }
}

type Arg = string | number | Buffer;
// A command of the connection or of a pipeline, by name (built-in or defined with defineCommand).
type Callable = Record<string, (...args: Arg[]) => unknown>;

/**
 * Sends the command `name` (every key in one slot) and, when `ack` asks for replicas, WAIT behind it in one
 * pipeline, so both go to the node that holds the slot on one connection. Resolves with the command's reply.
 */
export async function sendAcked<T>(
  redis: Redis,
  ack: ReplicaAck,
  name: string,
  args: readonly Arg[],
): Promise<T> {
  if (ack.replicas === 0) return (redis as unknown as Callable)[name]!(...args) as Promise<T>;
  const pipeline = redis.pipeline();
  (pipeline as unknown as Callable)[name]!(...args);
  pipeline.call('WAIT', ack.replicas, ack.timeoutMs);
  const replies = (await pipeline.exec()) ?? [];
  const [err, value] = replies[0] ?? [new Error('no reply')];
  if (err) throw err;
  const [waitErr, acked] = replies[1] ?? [new Error('no WAIT reply')];
  if (waitErr) throw waitErr;
  if (Number(acked) < ack.replicas) throw new ReplicaAckError(ack.replicas, Number(acked));
  return value as T;
}

/**
 * Waits until `ack.replicas` replicas hold every write this process sent so far on the connection that serves
 * `key`'s slot (a write sent by a library, e.g. BullMQ adding a job). On a cluster that is the slot's master as
 * the client knows it; `before` is that master's address taken before the write: when the slot moved in between
 * (a failover), the write may have died with the old master, and this fails rather than vouch for it.
 */
export async function waitForReplicas(
  redis: Redis,
  ack: ReplicaAck,
  key: string,
  before: string | null,
): Promise<void> {
  if (ack.replicas === 0) return;
  const node = redis.isCluster ? masterFor(redis as unknown as Cluster, key) : null;
  if (redis.isCluster && (!node || node.address !== before)) throw new ReplicaAckError(ack.replicas, 0);
  const target = node ? node.connection : redis;
  const acked = Number(await target.call('WAIT', ack.replicas, ack.timeoutMs));
  if (acked < ack.replicas) throw new ReplicaAckError(ack.replicas, acked);
}

/** The address of the master serving `key`'s slot as the client knows it now (null on one server). */
export function masterAddress(redis: Redis, key: string): string | null {
  return redis.isCluster ? (masterFor(redis as unknown as Cluster, key)?.address ?? null) : null;
}

function masterFor(cluster: Cluster, key: string): { address: string; connection: Redis } | null {
  const address = (cluster as unknown as { slots: string[][] }).slots[calculateSlot(key)]?.[0];
  if (!address) return null;
  const connection = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
  return connection ? { address, connection } : null;
}
