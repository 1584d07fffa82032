/**
 * A Kinesis batch job that can never be applied (its payload cannot be decoded) ends in the dead-letter store at
 * its first run, instead of failing and being queued again by its reader forever. The job is run through the
 * readers' own queue client (adapters/queue/kinesis-batches.ts) against the real batch worker.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { kinesisBatches } from '../../src/adapters/queue/kinesis-batches.js';
import type { KinesisBatchData } from '../../src/adapters/queue/registry.js';
import { createStream } from '../helpers/kinesis-emulator.js';
import { inProcessSuite } from '../helpers/kinesis-suites.js';
import { createView, kinesisViewSpec } from '../helpers/kinesis-views.js';

const suite = inProcessSuite();

test('a batch whose payload cannot be decoded is dead-lettered whole, once, and the reader goes on', async () => {
  await createStream(suite.kinesis, 'garbled', 1);
  await createView(suite.eddy.app, kinesisViewSpec('garbled_view', 'garbled'));
  const redis = new Redis(suite.eddy.redisUrl, { maxRetriesPerRequest: null });
  const batches = kinesisBatches(redis, suite.eddy.prefix);
  try {
    const data: KinesisBatchData = {
      stream: 'garbled',
      shardId: 'shardId-000000000099',
      batchEnd: '49600000000000000000000000000000000000000000000000000002',
      views: ['garbled_view@1'],
      // Three records whose bytes are not deflated data.
      records: { seqs: 'bm90IGRlZmxhdGVk', arrivals: [1, 2, 3], sizes: [5, 5, 5], data: 'bm90IGRlZmxhdGVk' },
    };
    const deadline = Date.now() + 10_000;
    const result = await batches.run('k-garbled-99-1-test', data, () => Date.now() > deadline);
    assert.ok(result, 'the batch job never finished: it failed and was queued again until the deadline');
    assert.deepEqual(
      { accepted: result.accepted, failed: result.failed },
      { accepted: 0, failed: 3 },
      JSON.stringify(result),
    );

    const res = await suite.eddy.app.inject({ url: '/v1/feature-views/garbled_view/dead-letters' });
    assert.equal(res.statusCode, 200, res.body);
    const { items, total } = res.json();
    assert.equal(total, 1);
    assert.equal(items[0].code, 'PROCESSING_FAILED');
    assert.match(items[0].reason, /batch could not be applied/);
    assert.deepEqual(items[0].record.records, data.records);

    // Run again (as a reader that re-reads the same page would): the same single dead letter.
    await batches.queue().remove('k-garbled-99-1-test');
    assert.ok(await batches.run('k-garbled-99-1-test', data, () => Date.now() > deadline + 5000));
    const again = (
      await suite.eddy.app.inject({ url: '/v1/feature-views/garbled_view/dead-letters' })
    ).json();
    assert.equal(again.total, 1);
  } finally {
    await batches.close();
    redis.disconnect();
  }
});
