import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { generateOpenApi, serializeOpenApi } from '../../openapi/generate.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy();
});
after(() => eddy.close());

test('GET /docs/json serves a valid OpenAPI 3 document with every route', async () => {
  const res = await eddy.app.inject({ url: '/docs/json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  const result = await validate(structuredClone(doc));
  assert.equal(result.valid, true, JSON.stringify(result, null, 2).slice(0, 2000));
  const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(
    (p) => Object.values(p).map((o) => o.operationId),
  );
  for (const id of [
    'createFeatureView',
    'putFeatureView',
    'getFeatureView',
    'listFeatureViews',
    'deleteFeatureView',
    'pushRecords',
    'getOnlineFeatures',
    'getEntityFeatures',
    'getFeatureViewStatus',
    'listDeadLetters',
    'replayDeadLetters',
    'healthz',
    'readyz',
  ]) {
    assert.ok(ops.includes(id), `operation ${id} documented`);
  }
});

test('GET /docs serves Swagger UI', async () => {
  const res = await eddy.app.inject({ url: '/docs/' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /swagger/i);
});

test('the committed openapi/openapi.json is current (run `npm run openapi` after changing a route)', async () => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  assert.equal(
    committed,
    serializeOpenApi(await generateOpenApi()),
    'openapi/openapi.json is stale: run npm run openapi',
  );
});
