/**
 * Entity ids come from producers. Ids made of Redis key syntax (`{`, `}`, `:`, `*`), whitespace, percent signs
 * and 256 characters of Unicode, including ids that differ only in those characters, each reach exactly their
 * own state: pushed through the API, read back one by one, and checked key by key in the private Redis.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

const HOSTILE = [
  '{',
  '}',
  ':',
  '*',
  '\n',
  '{}',
  'x',
  'x{',
  'x}',
  'x:',
  'x*',
  'x?',
  'x\n',
  'x\r\n',
  'x ',
  'x%',
  'x%7B', // the escaped form of 'x{' as a literal id
  'x%7b',
  'x%257B',
  '{sensor_stats:1:x}',
  'x}:state',
  'a:b:c',
  '*:*',
  '€'.repeat(256),
  `${'€'.repeat(255)}£`,
  '😀'.repeat(128), // 256 UTF-16 code units
  `${'😀'.repeat(127)}😁`,
  'ｘ', // fullwidth x
  'e\u0301', // e + combining accent, distinct from the precomposed é
  'é',
];

let eddy: TestEddy;
const T0 = Date.parse('2026-03-01T00:00:00Z');

before(async () => {
  eddy = await startEddy();
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: sensorView() });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(new Set(HOSTILE).size, HOSTILE.length);
});
after(() => eddy.close());

/** Reverses the key escaping (`%XX` per UTF-8 byte) to check what id a key belongs to. */
const unescapeKeyPart = (part: string) =>
  Buffer.from(
    part.replace(/%([0-9A-F]{2})|([^%])/g, (_, hex: string | undefined, ch: string | undefined) =>
      hex ? String.fromCharCode(Number.parseInt(hex, 16)) : ch!,
    ),
    'latin1',
  ).toString('utf8');

test('every hostile id gets its own state, readable only under its own id', async () => {
  // Two readings per id, in separate pushes, so a shared key would mix values.
  for (const round of [0, 1]) {
    const res = await eddy.app.inject({
      method: 'POST',
      url: '/v1/feature-views/sensor_stats/records?wait=true',
      payload: {
        records: HOSTILE.map((id, i) => ({
          sensor_id: id,
          ts: T0 + round * 1000,
          temperature: i * 10 + round,
        })),
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().rejected, []);
    assert.equal(res.json().applied.accepted, HOSTILE.length);
  }

  const read = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: 'sensor_stats', entities: HOSTILE, asOf: 'latest' },
  });
  assert.equal(read.statusCode, 200);
  read
    .json()
    .results.forEach((r: { entity: string; status: string; values: Record<string, number> }, i: number) => {
      assert.equal(r.entity, HOSTILE[i]);
      assert.equal(r.status, 'PRESENT', JSON.stringify(HOSTILE[i]));
      assert.equal(r.values.readings_5m, 2, JSON.stringify(HOSTILE[i]));
      assert.equal(r.values.temp_last, i * 10 + 1);
      assert.equal(r.values.temp_max_1h, i * 10 + 1);
      assert.equal(r.values.temp_avg_5m, i * 10 + 0.5);
    });

  // The same through the single-entity route, with the id in the path.
  for (const [i, id] of HOSTILE.entries()) {
    const res = await eddy.app.inject({
      url: `/v1/feature-views/sensor_stats/entities/${encodeURIComponent(id)}?asOf=latest`,
    });
    assert.equal(res.statusCode, 200, JSON.stringify(id));
    assert.equal(res.json().entity, id);
    assert.equal(res.json().values.temp_last, i * 10 + 1, JSON.stringify(id));
  }

  // Ids that were never pushed but look like escaped or globbed forms of pushed ones find nothing.
  const lookalikes = ['x%7B%7D', 'x%3A', '%7B', 'x.', 'x_', '€'.repeat(255), '😀'.repeat(127)];
  const miss = await eddy.app.inject({
    method: 'POST',
    url: '/v1/online-features',
    payload: { featureView: 'sensor_stats', entities: lookalikes },
  });
  for (const r of miss.json().results) assert.equal(r.status, 'NOT_FOUND', JSON.stringify(r.entity));
});

test('the Redis keys: a state hash and a version key per id, one hash tag each, escaped to [A-Za-z0-9_.%-], mapping back to the id', async () => {
  const redis = eddy.redis;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(
      cursor,
      'MATCH',
      `${eddy.prefix}:{sensor_stats:1:*`,
      'COUNT',
      1000,
    );
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  assert.equal(keys.length, 2 * HOSTILE.length);
  const shape = new RegExp(`^${eddy.prefix}:\\{sensor_stats:1:([A-Za-z0-9_.%-]+)\\}:(state|ver)$`);
  const byKind: Record<string, string[]> = { state: [], ver: [] };
  for (const key of keys) {
    const m = shape.exec(key);
    assert.ok(m, `unexpected key ${JSON.stringify(key)}`);
    assert.equal(key.split('{').length, 2, 'exactly one hash tag');
    assert.equal(key.split('}').length, 2, 'exactly one hash tag');
    byKind[m[2]!]!.push(unescapeKeyPart(m[1]!));
    assert.equal(await redis.type(key), m[2] === 'state' ? 'hash' : 'string');
  }
  assert.deepEqual(byKind.state!.sort(), [...HOSTILE].sort());
  assert.deepEqual(byKind.ver!.sort(), [...HOSTILE].sort());
});
