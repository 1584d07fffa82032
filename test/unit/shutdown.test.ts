import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { pino } from 'pino';
import { createShutdown, exitOnSignals, PHASES } from '../../src/runtime/shutdown.js';

const log = pino({ level: 'silent' });
const never = () => new Promise<void>(() => {});

test('phases run in order: intake, drain, flush, release, disconnect, services', async () => {
  const shutdown = createShutdown({ log, budgetMs: 5000 });
  const seen: string[] = [];
  // Added out of order on purpose.
  shutdown.add('services', 'private redis', () => seen.push('services:private redis'));
  shutdown.add('disconnect', 'connections', () => seen.push('disconnect:connections'));
  shutdown.add('drain', 'workers', async () => {
    await new Promise((r) => setTimeout(r, 20));
    seen.push('drain:workers');
  });
  shutdown.add('intake', 'http', () => seen.push('intake:http'));
  shutdown.add('release', 'leases', () => seen.push('release:leases'));
  shutdown.add('flush', 'sink', () => seen.push('flush:sink'));
  const reports = await shutdown.run();
  assert.deepEqual(seen, [
    'intake:http',
    'drain:workers',
    'flush:sink',
    'release:leases',
    'disconnect:connections',
    'services:private redis',
  ]);
  assert.deepEqual(
    reports.map((r) => [r.phase, r.outcome]),
    PHASES.map((p) => [p, 'done']),
  );
});

test('the steps of a phase run concurrently: one that hangs does not hold the others back', async () => {
  const shutdown = createShutdown({ log, budgetMs: 5000, timeouts: { drain: 100 } });
  const seen: string[] = [];
  shutdown.add('drain', 'stuck worker', never);
  shutdown.add('drain', 'other worker', async () => {
    await new Promise((r) => setTimeout(r, 10));
    seen.push('other worker closed');
  });
  shutdown.add('disconnect', 'connections', () => seen.push('disconnect'));
  const reports = await shutdown.run();
  const drain = reports.find((r) => r.phase === 'drain')!;
  assert.equal(drain.outcome, 'timed-out', 'the phase is cut short at its timeout');
  assert.deepEqual(drain.unfinished, ['stuck worker']);
  assert.deepEqual(seen, ['other worker closed', 'disconnect'], 'the next phases still run');
});

test('a failing step is reported and does not stop the steps after it', async () => {
  const shutdown = createShutdown({ log, budgetMs: 5000 });
  const seen: string[] = [];
  shutdown.add('flush', 'broken sink', () => {
    throw new Error('boom');
  });
  shutdown.add('flush', 'other sink', () => seen.push('other sink'));
  const reports = await shutdown.run();
  const flush = reports.find((r) => r.phase === 'flush')!;
  assert.equal(flush.outcome, 'failed');
  assert.deepEqual(flush.unfinished, ['broken sink']);
  assert.deepEqual(seen, ['other sink']);
});

test('the overall budget bounds every phase together', async () => {
  const shutdown = createShutdown({ log, budgetMs: 120, timeouts: { intake: 10_000, drain: 10_000 } });
  shutdown.add('intake', 'slow', never);
  shutdown.add('drain', 'slow too', never);
  const started = Date.now();
  const reports = await shutdown.run();
  assert.ok(Date.now() - started < 2000, 'the budget cut both phases short');
  assert.equal(reports.find((r) => r.phase === 'intake')!.outcome, 'timed-out');
  assert.equal(reports.find((r) => r.phase === 'drain')!.outcome, 'timed-out');
});

test('run is idempotent; steps added after it started are ignored', async () => {
  const shutdown = createShutdown({ log, budgetMs: 1000 });
  let runs = 0;
  shutdown.add('drain', 'count', () => runs++);
  const first = shutdown.run();
  shutdown.add('drain', 'late', () => runs++);
  assert.equal(shutdown.started, true);
  assert.equal(await shutdown.run(), await first);
  assert.equal(runs, 1);
});

test('first signal runs the shutdown then exits 0; a second signal exits 1 at once', async () => {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let release!: () => void;
  const shutdown = createShutdown({ log, budgetMs: 5000 });
  shutdown.add('drain', 'held', () => new Promise<void>((r) => (release = r)));
  exitOnSignals(shutdown, { log, exit: (c) => exits.push(c), emitter, hardStopMs: 10_000 });

  emitter.emit('SIGTERM', 'SIGTERM');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(exits, [], 'still draining');
  emitter.emit('SIGINT', 'SIGINT');
  assert.deepEqual(exits, [1], 'second signal forces exit');
  release();
  await shutdown.run();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(exits, [1, 0]);
});

test('a phase that times out makes the exit code 1', async () => {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const shutdown = createShutdown({ log, budgetMs: 5000, timeouts: { release: 20 } });
  shutdown.add('release', 'lease store gone', never);
  exitOnSignals(shutdown, { log, exit: (c) => exits.push(c), emitter, hardStopMs: 10_000 });
  emitter.emit('SIGTERM', 'SIGTERM');
  await shutdown.run();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(exits, [1]);
});
