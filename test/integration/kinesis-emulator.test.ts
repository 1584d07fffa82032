/**
 * The Kinesis emulator process (`npm run emulator:kinesis`, what docker compose runs): it listens where PORT and
 * HOST say, and it is Eddy's kinesalite, with the AT_TIMESTAMP fix: an iterator at "now" on a new, quiet stream
 * is answered at once (plain kinesalite never answers it), and SIGTERM to its process group stops it (npm does
 * not pass a signal on to the script's shell, so the test signals the group, as a process manager does).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/adapters/kinesis/client.js';
import { ensureStream } from '../../src/adapters/kinesis/producer.js';

/** True once connections to url are refused (within 5 s). */
async function stopsListening(url: string): Promise<boolean> {
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test('npm run emulator:kinesis serves Eddy’s kinesalite on the given port and stops on SIGTERM', async () => {
  const child = spawn('npm', ['run', '--silent', 'emulator:kinesis'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group: npm, the shell, tsx and the emulator
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line within 20 s: ${out}`)), 20_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const client = createKinesisClient({ endpoint: url, region: 'us-east-1', dummyCredentials: true });
    try {
      await ensureStream(client, 'quiet', 1);
      const started = performance.now();
      const res = await client.send(
        new GetShardIteratorCommand({
          StreamName: 'quiet',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(),
        }),
        { abortSignal: AbortSignal.timeout(5_000) },
      );
      assert.ok(res.ShardIterator, 'an iterator');
      assert.ok(performance.now() - started < 5_000);
    } finally {
      client.destroy();
    }
    const exited = once(child, 'exit');
    signalGroup('SIGTERM');
    const [code, signal] = await exited;
    // npm reports a child stopped by SIGTERM as its own exit code 128 + 15 when the signal reaches it first
    assert.ok(code === 0 || code === 143 || signal === 'SIGTERM', `exit ${code} ${signal}`);
    assert.equal(await stopsListening(url), true, 'the emulator itself stopped, not only npm');
  } finally {
    signalGroup('SIGKILL');
  }
});
