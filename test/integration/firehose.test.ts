/**
 * The Kinesis Data Firehose HTTP endpoint source, with requests built as Firehose's delivery protocol specifies
 * them (headers, base64 records, gzip), delivered and retried: every record takes effect once per request id and
 * record index — across sequential and concurrent retries and across an attempt that died half-way — and bad
 * records become dead letters. Expected feature values are computed here from the readings sent.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { deliverFirehose, firehosePushId } from '../../src/services/firehose-delivery.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

const KEYS = { admin: 'admin-key-0123456789', write: 'write-key-0123456789', read: 'read-key-0123456789' };
const T0 = Date.parse('2026-01-01T00:00:00Z');

let eddy: TestEddy;

const admin = (method: 'GET' | 'POST', url: string, payload?: object) =>
  eddy.app.inject({ method, url, payload, headers: { authorization: `Bearer ${KEYS.admin}` } });

/** A view without an event id field: a record applied twice would count twice. */
async function createView(name: string) {
  const res = await admin('POST', '/v1/feature-views', { ...sensorView({ name }), eventIdField: undefined });
  assert.equal(res.statusCode, 201, res.body);
}

interface Delivery {
  requestId?: string;
  /** Each Firehose record's data, as text (base64-encoded here) unless `raw`. */
  data: string[];
  raw?: boolean;
  gzip?: boolean;
  key?: string | null;
  view: string;
  encoding?: string;
}

/** A request exactly as Firehose sends it. */
function deliver(d: Delivery) {
  const requestId = d.requestId ?? randomUUID();
  const body = JSON.stringify({
    requestId,
    timestamp: Date.now(),
    records: d.data.map((text) => ({ data: d.raw ? text : Buffer.from(text).toString('base64') })),
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-firehose-protocol-version': '1.0',
    'x-amz-firehose-request-id': requestId,
    'x-amz-firehose-source-arn': 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/readings',
  };
  if (d.key !== null) headers['x-amz-firehose-access-key'] = d.key ?? KEYS.write;
  if (d.gzip) headers['content-encoding'] = 'gzip';
  if (d.encoding) headers['content-encoding'] = d.encoding;
  return eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${d.view}/firehose`,
    headers,
    payload: d.gzip ? gzipSync(body) : body,
  });
}

const reading = (sensor: string, i: number, temperature: number) =>
  JSON.stringify({ sensor_id: sensor, ts: T0 + i * 1000, temperature });

async function counts(view: string) {
  return (await admin('GET', `/v1/feature-views/${view}/status`)).json().counts as {
    accepted: number;
    rejected: number;
    duplicate: number;
  };
}

/** Waits until the view has counted `accepted` records, then a little longer to see that no more arrive. */
async function settled(view: string, accepted: number) {
  const deadline = Date.now() + 20_000;
  while ((await counts(view)).accepted < accepted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  return counts(view);
}

async function features(view: string, entities: string[]) {
  const res = await admin('POST', '/v1/online-features', { featureView: view, entities, asOf: 'latest' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().results as { entity: string; values: Record<string, number | null> }[];
}

before(async () => {
  eddy = await startEddy({ EDDY_API_KEYS: `admin:${KEYS.admin},write:${KEYS.write},read:${KEYS.read}` });
});
after(() => eddy.close());

describe('Firehose deliveries', () => {
  test('one JSON record, pretty-printed JSON and newline-delimited records, gzip or not; the documented answer', async () => {
    await createView('fh_shapes');
    const requestId = randomUUID();
    const res = await deliver({
      view: 'fh_shapes',
      requestId,
      gzip: true,
      data: [
        reading('a', 0, 10),
        JSON.stringify(JSON.parse(reading('a', 1, 20)), null, 2),
        `${reading('b', 0, 1)}\n${reading('b', 1, 2)}\n\n${reading('a', 2, 30)}\n`,
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['requestId', 'timestamp']);
    assert.equal(body.requestId, requestId);
    assert.ok(Math.abs(body.timestamp - Date.now()) < 5000);
    const plain = await deliver({ view: 'fh_shapes', data: [reading('b', 2, 3)] });
    assert.equal(plain.statusCode, 200, plain.body);

    assert.equal((await settled('fh_shapes', 6)).accepted, 6);
    const [a, b] = await features('fh_shapes', ['a', 'b']);
    assert.deepEqual([a!.values.readings_5m, a!.values.temp_avg_5m, a!.values.temp_last], [3, 20, 30]);
    assert.deepEqual([b!.values.readings_5m, b!.values.temp_avg_5m, b!.values.temp_max_1h], [3, 2, 3]);
  });

  test('a request retried, sequentially and concurrently, is applied once', async () => {
    await createView('fh_retry');
    const requestId = randomUUID();
    const sensors = Array.from({ length: 16 }, (_, i) => `s${i}`);
    const data = sensors.map((s) => [0, 1, 2].map((i) => reading(s, i, i + 1)).join('\n'));
    const attempts = [
      await deliver({ view: 'fh_retry', requestId, data }),
      await deliver({ view: 'fh_retry', requestId, data, gzip: true }),
      ...(await Promise.all([1, 2, 3].map(() => deliver({ view: 'fh_retry', requestId, data })))),
    ];
    for (const res of attempts) assert.equal(res.statusCode, 200, res.body);
    // A new request id with the same data is a new delivery (Firehose never reuses ids for other data).
    const c = await settled('fh_retry', 48);
    assert.deepEqual([c.accepted, c.rejected, c.duplicate], [48, 0, 0]);
    for (const r of await features('fh_retry', sensors)) {
      assert.deepEqual([r.values.readings_5m, r.values.temp_avg_5m], [3, 2], r.entity);
    }
  });

  test('an attempt that died after queueing part of the lanes, or before it was marked done, is completed once by the retry', async () => {
    await createView('fh_crash');
    const sensors = Array.from({ length: 24 }, (_, i) => `c${i}`);
    const data = sensors.map((s) => `${reading(s, 0, 4)}\n${reading(s, 1, 8)}`);
    const { compiled } = await eddy.runtime.deps.catalog.get('fh_crash');
    const deps = eddy.runtime.deps;

    // Attempt 1 of delivery A dies after its first lane's share is queued (a process killed between lane adds).
    const partA = randomUUID();
    let lanesQueued = 0;
    const dying = {
      ...deps,
      lanes: {
        ...deps.lanes,
        count: deps.lanes.count,
        async enqueue(batches: Parameters<typeof deps.lanes.enqueue>[0]) {
          const [first] = [...batches];
          await deps.lanes.enqueue(new Map([first!]));
          lanesQueued = batches.size;
          throw new Error('process killed');
        },
      },
    };
    await assert.rejects(deliverFirehose(dying, compiled, { requestId: partA, data: b64(data) }), /killed/);
    assert.ok(lanesQueued > 1, 'the delivery spans several lanes');

    // Attempt 1 of delivery B queues everything and dies before marking the delivery done.
    const partB = randomUUID();
    const unmarked = {
      ...deps,
      deliveries: {
        done: deps.deliveries.done,
        markDone: async () => {
          throw new Error('process killed');
        },
      },
    };
    const dataB = sensors.map((s) => reading(s, 2, 12));
    await assert.rejects(
      deliverFirehose(unmarked, compiled, { requestId: partB, data: b64(dataB) }),
      /killed/,
    );

    // Firehose retries both whole.
    assert.equal((await deliver({ view: 'fh_crash', requestId: partA, data })).statusCode, 200);
    assert.equal((await deliver({ view: 'fh_crash', requestId: partB, data: dataB })).statusCode, 200);
    const c = await settled('fh_crash', 72);
    assert.deepEqual([c.accepted, c.duplicate], [72, 0]);
    for (const r of await features('fh_crash', sensors)) {
      assert.deepEqual(
        [r.values.readings_5m, r.values.temp_avg_5m, r.values.temp_last],
        [3, 8, 12],
        r.entity,
      );
    }
  });

  test('bad records become dead letters (once, however often the request is retried); the good ones are applied', async () => {
    await createView('fh_bad');
    const requestId = randomUUID();
    const data = [
      reading('g', 0, 5),
      `${reading('g', 1, 7)}\nnot json\n[1,2]`,
      '{"sensor_id": "g", "temperature": 1}',
    ];
    const records = [...data.map((d) => Buffer.from(d).toString('base64')), '!!not base64!!'];
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await deliver({ view: 'fh_bad', requestId, data: records, raw: true });
      assert.equal(res.statusCode, 200, res.body);
    }
    const c = await settled('fh_bad', 2);
    assert.deepEqual([c.accepted, c.rejected], [2, 4]);
    const letters = (await admin('GET', '/v1/feature-views/fh_bad/dead-letters')).json().items as {
      id: string;
      code: string;
    }[];
    const pushId = firehosePushId('fh_bad', requestId);
    assert.deepEqual(
      letters.map((l) => [l.id, l.code]).sort(),
      [
        [`push:${pushId}:2`, 'INVALID_JSON'],
        [`push:${pushId}:3`, 'NOT_AN_OBJECT'],
        [`push:${pushId}:4`, 'EVENT_TIME_MISSING'],
        [`push:${pushId}:5`, 'INVALID_JSON'],
      ].sort(),
    );
    const [g] = await features('fh_bad', ['g']);
    assert.deepEqual([g!.values.readings_5m, g!.values.temp_avg_5m], [2, 6]);
  });
});

function b64(data: string[]) {
  return data.map((d) => Buffer.from(d).toString('base64'));
}

describe('Firehose deliveries through a transform', () => {
  test("a view's transform splits, filters and derives, and a retry applies nothing twice", async () => {
    const spec = {
      ...sensorView({ name: 'fh_nested' }),
      eventIdField: undefined,
      transform: {
        each: 'readings',
        filter: 'item.ok',
        fields: { sensor_id: 'gateway + "/" + item.s', ts: 'item.t', temperature: '(item.f - 32) * 5 / 9' },
      },
    };
    assert.equal((await admin('POST', '/v1/feature-views', spec)).statusCode, 201);
    const record = JSON.stringify({
      gateway: 'g1',
      readings: [
        { s: 'a', t: T0, f: 212, ok: true },
        { s: 'a', t: T0 + 1_000, f: 32, ok: true },
        { s: 'b', t: T0, f: 50, ok: false },
      ],
    });
    const requestId = randomUUID();
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await deliver({ view: 'fh_nested', requestId, data: [record] });
      assert.equal(res.statusCode, 200, res.body);
    }
    const c = await settled('fh_nested', 2);
    assert.equal(c.accepted, 2);
    const [a] = await features('fh_nested', ['g1/a']);
    assert.equal(a!.values.temp_avg_5m, 50);
    assert.equal(((await counts('fh_nested')) as { filtered?: number }).filtered, 1);
  });
});

describe('Firehose errors answer in the Firehose response shape', () => {
  const shape = (res: Awaited<ReturnType<typeof deliver>>, status: number, requestId?: string) => {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['errorMessage', 'requestId', 'timestamp']);
    if (requestId) assert.equal(body.requestId, requestId);
    return body.errorMessage as string;
  };

  test('no access key 401; a key that is not an Eddy key 401; a read-only key 403; a bearer token is not the access key', async () => {
    const requestId = randomUUID();
    shape(await deliver({ view: 'fh_shapes', key: null, requestId, data: ['{}'] }), 401, requestId);
    shape(await deliver({ view: 'fh_shapes', key: 'not-a-key-123456', data: ['{}'] }), 401);
    assert.match(shape(await deliver({ view: 'fh_shapes', key: KEYS.read, data: ['{}'] }), 403), /write/);
    const bearer = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/fh_shapes/firehose',
      headers: { authorization: `Bearer ${KEYS.write}`, 'x-amz-firehose-request-id': 'x' },
      payload: { records: [] },
    });
    shape(bearer, 401);
  });

  test('unknown view 404; malformed bodies 400; other encodings 415; a gzip bomb 413', async () => {
    shape(await deliver({ view: 'no_such_view', data: [reading('a', 0, 1)] }), 404);
    const bad = (headers: Record<string, string>, payload: string) =>
      eddy.app.inject({
        method: 'POST',
        url: '/v1/feature-views/fh_shapes/firehose',
        headers: { 'content-type': 'application/json', 'x-amz-firehose-access-key': KEYS.write, ...headers },
        payload,
      });
    shape(await bad({ 'x-amz-firehose-request-id': 'r1' }, '{"records": "nope"}'), 400, 'r1');
    shape(await bad({ 'x-amz-firehose-request-id': 'r2' }, '{"records": [{"data": {"x": 1}}]}'), 400);
    shape(await bad({ 'x-amz-firehose-request-id': 'r3' }, 'not json'), 400);
    shape(await bad({}, '{"records": []}'), 400);
    shape(await bad({ 'x-amz-firehose-request-id': 'r4' }, '{"requestId": "other", "records": []}'), 400);
    shape(await deliver({ view: 'fh_shapes', encoding: 'br', data: ['{}'] }), 415);
    const bomb = gzipSync(JSON.stringify({ records: [{ data: 'A'.repeat(17 * 1024 * 1024) }] }));
    assert.ok(bomb.length < 100_000);
    shape(
      await bad({ 'x-amz-firehose-request-id': 'r5', 'content-encoding': 'gzip' }, bomb as unknown as string),
      413,
    );
    const corrupt = await bad({ 'x-amz-firehose-request-id': 'r6', 'content-encoding': 'gzip' }, 'not gzip');
    assert.equal(corrupt.statusCode >= 400 && corrupt.statusCode < 500, true, corrupt.body);
    shape(corrupt, corrupt.statusCode);
  });
});
