import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy();
});
after(() => eddy.close());

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('feature view registry', () => {
  test('POST creates version 1 with every default resolved', async () => {
    const body = sensorView({
      name: 'created_view',
      granularity: undefined,
      allowedLateness: undefined,
      ttl: undefined,
    });
    const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: body });
    assert.equal(res.statusCode, 201, res.body);
    const view = res.json();
    assert.equal(view.version, 1);
    assert.equal(view.granularity, '5s');
    assert.equal(view.allowedLateness, '1h');
    assert.equal(view.ttl, '7d');
    assert.ok(!Number.isNaN(Date.parse(view.createdAt)));
    assert.equal(res.headers.location, '/v1/feature-views/created_view');
  });

  test('POST on an existing name is 409 with a problem body', async () => {
    const first = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: sensorView({ name: 'dup_view' }),
    });
    assert.equal(first.statusCode, 201);
    const res = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: sensorView({ name: 'dup_view' }),
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.headers['content-type'], PROBLEM);
    assert.equal(res.json().code, 'FEATURE_VIEW_EXISTS');
    assert.equal(res.json().status, 409);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['a bad view name', { name: 'Bad-Name' }, '/body/name'],
    ['an unknown property', { colour: 'red' }, '/body/colour'],
    ['a bad duration', { ttl: '7 days' }, '/body/ttl'],
    [
      'a window that is not a multiple of the granularity',
      { features: [{ name: 'a', agg: 'avg', field: 'x', window: '15s' }] },
      '/features/0/window',
    ],
    [
      'more than 1,440 tiles',
      { granularity: '1s', features: [{ name: 'a', agg: 'sum', field: 'x', window: '1h' }] },
      '/features/0/window',
    ],
    [
      'events outside 1..1000',
      { features: [{ name: 'a', agg: 'avg', field: 'x', events: 1001 }] },
      '/body/features/0/events',
    ],
    [
      'an aggregation without its field',
      { features: [{ name: 'a', agg: 'avg', window: '1m' }] },
      '/features/0/field',
    ],
    [
      'duplicate feature names',
      {
        features: [
          { name: 'a', agg: 'avg', field: 'x', window: '1m' },
          { name: 'a', agg: 'max', field: 'x', window: '1m' },
        ],
      },
      '/features/1/name',
    ],
    [
      'an ewma without halfLife',
      { features: [{ name: 'e', agg: 'ewma', field: 'x', window: '1m' }] },
      '/features/0/halfLife',
    ],
    [
      'a percentile at p = 1',
      { features: [{ name: 'q', agg: 'approx_percentile', field: 'x', window: '1m', p: 1 }] },
      '/features/0/p',
    ],
    [
      'a percentile with p above 1',
      { features: [{ name: 'q', agg: 'approx_percentile', field: 'x', window: '1m', p: 1.5 }] },
      '/body/features/0/p',
    ],
    ['a lifetime z-score', { features: [{ name: 'z', agg: 'zscore', field: 'x' }] }, '/features/0/window'],
    [
      'a halfLife on a max',
      { features: [{ name: 'm', agg: 'max', field: 'x', window: '1m', halfLife: '1m' }] },
      '/features/0/halfLife',
    ],
  ];
  for (const [what, override, field] of invalid) {
    test(`400 names the field for ${what}`, async () => {
      const res = await eddy.app.inject({
        method: 'POST',
        url: '/v1/feature-views',
        payload: sensorView({ name: 'bad_view', ...override }),
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.headers['content-type'], PROBLEM);
      const p = res.json();
      assert.ok(['VALIDATION_FAILED', 'INVALID_FEATURE_VIEW'].includes(p.code), p.code);
      assert.ok(
        String(p.field).endsWith(field.replace(/^\/body/, '')),
        `field ${p.field} should name ${field}`,
      );
      assert.ok(!String(p.detail).includes('    at '), 'no stack trace');
    });
  }

  test('PUT creates, versions, and is a no-op for an unchanged definition', async () => {
    const url = '/v1/feature-views/put_view';
    const v1 = await eddy.app.inject({ method: 'PUT', url, payload: sensorView({ name: 'put_view' }) });
    assert.equal(v1.statusCode, 201, v1.body);
    assert.equal(v1.json().version, 1);
    const same = await eddy.app.inject({ method: 'PUT', url, payload: sensorView({ name: 'put_view' }) });
    assert.equal(same.statusCode, 200);
    assert.equal(same.json().version, 1);
    assert.equal(same.headers['x-eddy-change'], 'unchanged');
    const changed = await eddy.app.inject({
      method: 'PUT',
      url,
      payload: sensorView({ name: 'put_view', ttl: '1d' }),
    });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().version, 2);
    assert.equal(changed.json().ttl, '1d');
    assert.equal((await eddy.app.inject({ url })).json().version, 2);
    const old = await eddy.app.inject({ url: `${url}?version=1` });
    assert.equal(old.json().version, 1);
    assert.equal(old.json().ttl, '7d');
    const missing = await eddy.app.inject({ url: `${url}?version=9` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'VERSION_NOT_FOUND');
  });

  test('PUT with a body name different from the path is 400', async () => {
    const res = await eddy.app.inject({
      method: 'PUT',
      url: '/v1/feature-views/one',
      payload: sensorView({ name: 'two' }),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().field, '/body/name');
  });

  test('GET lists live views; DELETE removes one; versions never repeat after a delete', async () => {
    await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: sensorView({ name: 'gone_view' }),
    });
    const list = await eddy.app.inject({ url: '/v1/feature-views' });
    assert.ok(list.json().items.some((v: { name: string }) => v.name === 'gone_view'));
    const del = await eddy.app.inject({ method: 'DELETE', url: '/v1/feature-views/gone_view' });
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    const get = await eddy.app.inject({ url: '/v1/feature-views/gone_view' });
    assert.equal(get.statusCode, 404);
    assert.equal(get.json().code, 'FEATURE_VIEW_NOT_FOUND');
    assert.equal(
      (await eddy.app.inject({ method: 'DELETE', url: '/v1/feature-views/gone_view' })).statusCode,
      404,
    );
    const again = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: sensorView({ name: 'gone_view' }),
    });
    assert.equal(again.json().version, 2);
  });

  test('unknown routes, bad JSON and wrong media types are problems too', async () => {
    const nf = await eddy.app.inject({ url: '/v1/nope' });
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json().code, 'NOT_FOUND');
    const bad = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], PROBLEM);
    const media = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views',
      payload: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(media.statusCode, 415);
    assert.equal(media.json().code, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
