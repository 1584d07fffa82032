/**
 * The readiness probe of Eddy's Redis. One server: it answers PING. A Redis Cluster: the cluster says its state is
 * `ok` (every slot served) and every master the client knows answers PING, so a master that died is seen at once,
 * before the cluster has promoted its replica, and readiness returns once the client serves every slot again.
 */
import type { Cluster, Redis } from 'ioredis';
import type { ProbeResult } from '../../runtime/readiness.js';

export async function probeRedis(redis: Redis): Promise<ProbeResult> {
  try {
    if (!redis.isCluster) {
      await redis.ping();
      return { ok: true };
    }
    const masters = (redis as unknown as Cluster).nodes('master');
    if (masters.length === 0) return { ok: false, reason: 'no cluster master known' };
    await Promise.all(masters.map((m) => m.ping()));
    const info = String(await masters[0]!.call('CLUSTER', 'INFO'));
    return /cluster_state:ok/.test(info) ? { ok: true } : { ok: false, reason: 'cluster state is not ok' };
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
}
