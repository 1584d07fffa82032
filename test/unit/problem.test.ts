/** The HTTP error mapper (src/http/problem.ts): what a store outage and a refused replica wait answer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicaAckError } from '../../src/adapters/redis/replica-ack.js';
import { toProblem } from '../../src/http/problem.js';

test('a write too few replicas acknowledged is 503 UNAVAILABLE, not 500', () => {
  const p = toProblem(new ReplicaAckError(1, 0));
  assert.equal(p.status, 503);
  assert.equal(p.code, 'UNAVAILABLE');
});

test('Redis unreachable or failing over is 503 UNAVAILABLE, with no internal detail', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7000'), { code: 'ECONNREFUSED' });
  const clusterDown = new Error('CLUSTERDOWN The cluster is down');
  const exhausted = Object.assign(new Error('Reached the max retries per request limit'), {
    name: 'MaxRetriesPerRequestError',
  });
  const noNode = Object.assign(new Error('Failed to refresh slots cache.'), {
    name: 'ClusterAllFailedError',
  });
  const redirections = new Error('Too many Cluster redirections. Last error: Error: Connection is closed.');
  for (const err of [refused, clusterDown, exhausted, noNode, redirections]) {
    const p = toProblem(err);
    assert.deepEqual([p.status, p.code, p.detail], [503, 'UNAVAILABLE', 'the store is unavailable; retry']);
  }
});

test('any other unexpected error stays 500 INTERNAL', () => {
  const p = toProblem(new TypeError('x is undefined'));
  assert.deepEqual([p.status, p.code], [500, 'INTERNAL']);
});
