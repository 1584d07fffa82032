/**
 * The typed TypeScript client (clients/typescript, its built dist/ as a user gets it) driving the real app over
 * HTTP: registration, pushes with `wait`, online reads, status, dead letters, and failures as typed problems.
 * Expected values are computed here from the readings pushed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createEddyClient,
  type EddyClient,
  EddyProblem,
  type FeatureViewSpec,
} from '../../clients/typescript/dist/index.js';
import { ErrorCode } from '../../src/core/errors.js';
import { clientTour } from '../../src/demo/client-tour.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

const KEYS = { admin: 'admin-key-0123456789', read: 'read-key-0123456789', write: 'write-key-0123456789' };
const T0 = Date.parse('2026-01-01T00:00:00Z');

let eddy: TestEddy;
let base: string;
let adminClient: EddyClient;

before(async () => {
  eddy = await startEddy({ EDDY_API_KEYS: `admin:${KEYS.admin},read:${KEYS.read},write:${KEYS.write}` });
  base = await eddy.app.listen({ port: 0, host: '127.0.0.1' });
  adminClient = createEddyClient({ baseUrl: base, apiKey: KEYS.admin });
});
after(() => eddy.close());

async function problemOf(call: Promise<unknown>): Promise<EddyProblem> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof EddyProblem, String(err));
    return err;
  }
  assert.fail('expected an EddyProblem');
}

const readings = [
  { sensor_id: 's1', ts: T0, temperature: 10, reading_id: 'a' },
  { sensor_id: 's1', ts: T0 + 10_000, temperature: 20, reading_id: 'b' },
  { sensor_id: 's1', ts: T0 + 10_000, temperature: 20, reading_id: 'b' },
  { sensor_id: 's2', ts: T0 + 5_000, temperature: 7, reading_id: 'c' },
  { sensor_id: 's3', temperature: 1 },
];

describe('the typed client against the real app', () => {
  test('registers a view, pushes with wait, reads what an independent computation expects', async () => {
    const view = await adminClient.featureViews.create(
      sensorView({ name: 'client_view' }) as FeatureViewSpec,
    );
    assert.equal(view.version, 1);
    assert.equal(view.granularity, '10s');
    const again = await problemOf(
      adminClient.featureViews.create(sensorView({ name: 'client_view' }) as FeatureViewSpec),
    );
    assert.equal(again.status, 409);
    assert.equal(again.code, 'FEATURE_VIEW_EXISTS');

    const writer = createEddyClient({ baseUrl: base, apiKey: KEYS.write });
    const receipt = await writer.push('client_view', readings, { wait: true });
    assert.equal(receipt.accepted, 4);
    assert.deepEqual(
      receipt.rejected.map((r) => [r.index, r.code]),
      [[4, 'EVENT_TIME_MISSING']],
    );
    assert.deepEqual(receipt.applied, { accepted: 3, late: 0, duplicate: 1, failed: 0 });

    const reader = createEddyClient({ baseUrl: `${base}/`, apiKey: KEYS.read });
    const s1 = await reader.entity('client_view', 's1', { asOf: 'latest' });
    assert.equal(s1.status, 'PRESENT');
    assert.equal(s1.eventTime, new Date(T0 + 10_000).toISOString());
    assert.equal(s1.values.temp_avg_5m, 15);
    assert.equal(s1.values.readings_5m, 2);
    assert.equal(s1.values.temp_std_50, 5);
    const online = await reader.onlineFeatures({
      featureView: 'client_view',
      entities: ['s2', 'nobody', 's1'],
      features: ['temp_last'],
      asOf: 'latest',
    });
    assert.deepEqual(
      online.results.map((r) => [r.entity, r.status, r.values.temp_last]),
      [
        ['s2', 'PRESENT', 7],
        ['nobody', 'NOT_FOUND', null],
        ['s1', 'PRESENT', 20],
      ],
    );

    const status = await reader.status('client_view');
    assert.deepEqual([status.counts.accepted, status.counts.rejected, status.counts.duplicate], [3, 1, 1]);

    const letters = await adminClient.deadLetters.list('client_view');
    assert.equal(letters.items.length, 1);
    assert.equal(letters.items[0]!.code, 'EVENT_TIME_MISSING');
    const replay = await adminClient.deadLetters.replay('client_view', { ids: [letters.items[0]!.id] });
    assert.equal(replay.replayed, 0);
    assert.equal(replay.rejected.length, 1);
  });

  test('failures are typed problems: unknown key, missing scope, unknown view, bad input', async () => {
    const anonymous = await problemOf(createEddyClient({ baseUrl: base }).featureViews.list());
    assert.deepEqual([anonymous.status, anonymous.code], [401, 'UNAUTHORIZED']);
    const reader = createEddyClient({ baseUrl: base, apiKey: KEYS.read });
    const forbidden = await problemOf(reader.push('client_view', [{}]));
    assert.deepEqual([forbidden.status, forbidden.code], [403, 'FORBIDDEN']);
    const missing = await problemOf(reader.entity('no_such_view', 's1'));
    assert.deepEqual([missing.status, missing.code], [404, 'FEATURE_VIEW_NOT_FOUND']);
    const badAsOf = await problemOf(reader.entity('client_view', 's1', { asOf: 'yesterday' }));
    assert.deepEqual([badAsOf.code, badAsOf.problem.field], ['INVALID_AS_OF', '/asOf']);
    assert.match(badAsOf.message, /^INVALID_AS_OF: /);
  });

  test('the demo tour through the client equals the API answers', async () => {
    const tour = await clientTour(adminClient, 'client_view', ['s1', 's2'], ['temp_avg_5m']);
    const auth = { authorization: `Bearer ${KEYS.admin}` };
    const entity = await eddy.app.inject({
      url: '/v1/feature-views/client_view/entities/s1?asOf=latest',
      headers: auth,
    });
    assert.deepEqual(tour.entity, entity.json());
    assert.deepEqual(
      tour.online.results.map((r) => r.values),
      [{ temp_avg_5m: 15 }, { temp_avg_5m: 7 }],
    );
    assert.equal(tour.status.counts.accepted, 3);
    assert.equal(tour.deadLetters.items.length, 1);
  });

  test("the client's problem codes are exactly Eddy's error codes", async () => {
    const source = await import('node:fs/promises').then((fs) =>
      fs.readFile(new URL('../../clients/typescript/src/index.ts', import.meta.url), 'utf8'),
    );
    const union = /export type ProblemCode =([^;]+);/.exec(source)![1]!;
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    assert.deepEqual(codes.sort(), Object.values(ErrorCode).sort());
  });
});
