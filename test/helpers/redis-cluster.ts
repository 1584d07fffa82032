/**
 * A private Redis Cluster for a test file: 3 masters and 3 replicas (`redis-server --cluster-enabled yes` on free
 * loopback ports, joined by `redis-cli --cluster create --cluster-replicas 1`), in memory, each node killed when
 * the test process exits. `TEST_REDIS=cluster` runs the integration suites on one (helpers/redis.ts).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { freePort, redisAnswersPing } from '../../src/runtime/redis-server.js';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  process: ChildProcess;
}

export interface PrivateCluster {
  nodes: ClusterNode[];
  /** `REDIS_CLUSTER_NODES` for it. */
  seeds: string;
  /** A client of the test's own (typed as Redis, as Eddy hands its Cluster out). */
  client(options?: RedisOptions): Redis;
  /** Ports of the current masters. */
  masters(): Promise<number[]>;
  /** Ports of the replicas connected to the master on `port` (from its INFO replication). */
  replicasOf(port: number): Promise<number[]>;
  /** Resolves once every live replica has everything its master wrote so far (replication offsets equal). */
  replicated(): Promise<void>;
  /** Starts a killed node again on its port and config: it rejoins as a replica of the master that replaced it. */
  restartNode(port: number): Promise<void>;
  /** SIGKILLs the node on `port` (a replica, say) and resolves once it is gone; nothing is promoted. */
  killNode(port: number): Promise<void>;
  /** SIGKILLs the master on `port`; resolves once its replica was promoted and every slot is served again. */
  killMaster(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** Small, so a failover takes seconds; not smaller: a node starved of CPU on a busy machine for this long is
 * taken for dead. */
const NODE_TIMEOUT_MS = 2000;

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-cluster-'));
  const nodes: ClusterNode[] = [];
  const startNode = (port: number) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        '--save',
        '',
        '--appendonly',
        'no',
        // A replica's full sync starts at once (the default waits 5 s for more replicas to share it).
        '--repl-diskless-sync-delay',
        '0',
        '--maxmemory-policy',
        'noeviction',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    child.unref();
    return child;
  };
  for (let i = 0; i < 6; i++) {
    const port = await freePort();
    nodes.push({ port, process: startNode(port) });
  }
  const killAll = () => {
    for (const n of nodes) n.process.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const n of nodes) {
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswersPing(`redis://127.0.0.1:${n.port}`))) {
      if (Date.now() > deadline) {
        killAll();
        throw new Error(`cluster node on ${n.port} did not start`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  const alive = () => nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  const cluster: PrivateCluster = {
    nodes,
    seeds,
    client: (options = {}) =>
      new Cluster(
        nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
        { redisOptions: options },
      ) as unknown as Redis,
    masters: async () => {
      const live = alive();
      const roles = await Promise.all(live.map((n) => nodeInfo(n.port, 'replication')));
      return live.filter((_, i) => /role:master/.test(roles[i]!)).map((n) => n.port);
    },
    replicasOf: (port) => replicasOf(port),
    async replicated() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const infos = await Promise.all(alive().map((n) => nodeInfo(n.port, 'replication')));
        const caughtUp = infos
          .filter((info) => /role:master/.test(info))
          .every((info) => {
            const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
            const replicas = [...info.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((m) => m[1]);
            return replicas.every((r) => r === offset);
          });
        if (caughtUp) return;
        if (Date.now() > deadline) throw new Error('replicas did not catch up');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async killNode(port) {
      const node = nodes.find((n) => n.port === port)!;
      if (node.process.exitCode !== null || node.process.signalCode !== null) return;
      node.process.kill('SIGKILL');
      await new Promise((r) => node.process.once('exit', r));
    },
    async killMaster(port) {
      const node = nodes.find((n) => n.port === port)!;
      const replicas = await replicasOf(port);
      if (replicas.length === 0) throw new Error(`master ${port} has no replica to take over`);
      node.process.kill('SIGKILL');
      await new Promise((r) => node.process.once('exit', r));
      // Done when one of its replicas is a master and every live node agrees that every slot is served (right
      // after the kill the others still say ok: they mark the node failed only after cluster-node-timeout).
      const deadline = Date.now() + 30_000;
      for (;;) {
        const promoted = await Promise.all(replicas.map((r) => nodeInfo(r, 'replication')));
        if (promoted.some((info) => /role:master/.test(info)) && (await allOk(alive()))) return;
        if (Date.now() > deadline) throw new Error('the cluster did not recover from the failover');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async restartNode(port) {
      const node = nodes.find((n) => n.port === port)!;
      node.process = startNode(port);
      // It reads its nodes.conf, learns from the others that its slots moved, and follows the new master; done
      // when the link is up and the new master counts it as an online replica (so WAIT 1 there succeeds).
      const deadline = Date.now() + 30_000;
      for (;;) {
        const info = await nodeInfo(port, 'replication');
        const master = /master_port:(\d+)/.exec(info)?.[1];
        if (/role:slave/.test(info) && /master_link_status:up/.test(info) && master) {
          const masterInfo = await nodeInfo(Number(master), 'replication');
          if (new RegExp(`port=${port},state=online`).test(masterInfo) && (await allOk(alive()))) return;
        }
        if (Date.now() > deadline) throw new Error(`node ${port} did not rejoin as a replica`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await Promise.all(
        nodes.map(
          (n) =>
            new Promise<void>((resolve) => {
              if (n.process.exitCode !== null || n.process.signalCode !== null) return resolve();
              n.process.once('exit', () => resolve());
              n.process.kill('SIGKILL');
            }),
        ),
      );
      process.removeListener('exit', killAll);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Every slot covered and agreed on by all nodes, and every replica synchronised with its master (a WAIT
  // before that counts no replica), before anyone uses it.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if ((await allOk(nodes)) && (await replicasInSync(nodes))) break;
    if (Date.now() > deadline) {
      await cluster.stop();
      throw new Error('the cluster did not become ok');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return cluster;
}

async function allOk(nodes: readonly ClusterNode[]): Promise<boolean> {
  const states = await Promise.all(nodes.map((n) => nodeInfoCluster(n.port)));
  return states.every((s) => /cluster_state:ok/.test(s));
}

/** True when every master has at least one replica and all its replicas are online. */
async function replicasInSync(nodes: readonly ClusterNode[]): Promise<boolean> {
  const infos = await Promise.all(nodes.map((n) => nodeInfo(n.port, 'replication')));
  const masters = infos.filter((info) => /role:master/.test(info));
  return masters.every((info) => {
    const replicas = info.match(/^slave\d+:.*$/gm) ?? [];
    return replicas.length > 0 && replicas.every((line) => /state=online/.test(line));
  });
}

/** Ports of the replicas of the master on `port`, from its own INFO replication. */
async function replicasOf(port: number): Promise<number[]> {
  const info = await nodeInfo(port, 'replication');
  return [...info.matchAll(/^slave\d+:.*port=(\d+)/gm)].map((m) => Number(m[1]));
}

async function nodeInfo(port: number, section: string): Promise<string> {
  const c = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => {});
  try {
    await c.connect();
    return await c.info(section);
  } catch {
    return '';
  } finally {
    c.disconnect();
  }
}

async function nodeInfoCluster(port: number): Promise<string> {
  const c = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.call('CLUSTER', 'INFO')) as string;
  } catch {
    return '';
  } finally {
    c.disconnect();
  }
}
