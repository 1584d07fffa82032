// The real @aws-sdk/client-sagemaker-featurestore-runtime talks to the emulator over HTTP; nothing is mocked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetRecordCommand,
  BatchWriteRecordCommand,
  DeleteRecordCommand,
  GetRecordCommand,
  InternalFailure,
  PutRecordCommand,
  ResourceNotFound,
  ServiceUnavailable,
  ValidationError,
} from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { record, sageMakerClient, startTestEmulator, USERS } from '../helpers/sagemaker-emulator.js';

const T1 = '2026-01-01T00:00:01.000Z';
const T2 = '2026-01-01T00:00:02.000Z';
const T3 = '2026-01-01T00:00:03Z';

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  assert.fail('expected the call to fail');
}

const httpStatus = (error: Record<string, unknown>) =>
  (error.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;

describe('SageMaker Feature Store emulator: operations', () => {
  test('PutRecord then GetRecord round-trips, narrows by FeatureName, and the SDK signs for sagemaker', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);

    const put = await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'users',
        Record: record({ user_id: 'u1', event_time: T1, clicks_1h: '7', country: 'NL' }),
      }),
    );
    assert.equal(put.$metadata.httpStatusCode, 200);
    assert.match(put.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);

    const all = await client.send(
      new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }),
    );
    assert.deepEqual(all.Record, record({ user_id: 'u1', event_time: T1, clicks_1h: '7', country: 'NL' }));
    assert.equal(all.ExpiresAt, undefined);

    const some = await client.send(
      new GetRecordCommand({
        FeatureGroupName: 'users',
        RecordIdentifierValueAsString: 'u1',
        FeatureNames: ['country', 'clicks_1h'],
      }),
    );
    // Stored order, not request order.
    assert.deepEqual(some.Record, record({ clicks_1h: '7', country: 'NL' }));

    const absent = await client.send(
      new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'nobody' }),
    );
    assert.equal(absent.Record, undefined);

    assert.deepEqual(emu.records('users'), [
      {
        recordIdentifier: 'u1',
        eventTime: T1,
        record: record({ user_id: 'u1', event_time: T1, clicks_1h: '7', country: 'NL' }),
      },
    ]);
    const calls = emu.calls();
    assert.deepEqual(
      calls.map((c) => [c.operation, c.featureGroup, c.recordIdentifier, c.status, c.signed]),
      [
        ['PutRecord', 'users', 'u1', 200, true],
        ['GetRecord', 'users', 'u1', 200, true],
        ['GetRecord', 'users', 'u1', 200, true],
        ['GetRecord', 'users', 'nobody', 200, true],
      ],
    );
    assert.equal(calls[0]?.applied, true);
  });

  test('EventTime rule: an older or equal EventTime does not replace the stored record, a newer one does', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const put = (eventTime: string, clicks: string) =>
      client.send(
        new PutRecordCommand({
          FeatureGroupName: 'users',
          Record: record({ user_id: 'u1', event_time: eventTime, clicks: clicks }),
        }),
      );
    const clicks = async () =>
      (
        await client.send(
          new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }),
        )
      ).Record?.find((f) => f.FeatureName === 'clicks')?.ValueAsString;

    await put(T2, 'two');
    const older = await put(T1, 'one');
    assert.equal(older.$metadata.httpStatusCode, 200, 'an ignored write is still a 200');
    assert.equal(await clicks(), 'two');
    await put(T2, 'two again');
    assert.equal(await clicks(), 'two', 'an equal EventTime is not newer');
    await put(T3, 'three');
    assert.equal(
      await clicks(),
      'three',
      'second-precision ISO form is accepted and ordered with the ms form',
    );

    const applied = emu
      .calls()
      .filter((c) => c.operation === 'PutRecord')
      .map((c) => c.applied);
    assert.deepEqual(applied, [true, false, false, true]);
  });

  test('Fractional EventTime groups take Unix seconds and reject ISO strings', async (t) => {
    const emu = await startTestEmulator(t, {
      featureGroups: { ticks: { ...USERS, eventTimeFeatureType: 'Fractional' } },
    });
    const client = sageMakerClient(t, emu.url);
    const put = (eventTime: string) =>
      client.send(
        new PutRecordCommand({
          FeatureGroupName: 'ticks',
          Record: record({ user_id: 'u1', event_time: eventTime }),
        }),
      );
    await put('1767225600.25');
    await put('1767225600.125');
    assert.equal(emu.records('ticks')[0]?.eventTime, '1767225600.25');
    const error = await rejection(put(T1));
    assert.ok(error instanceof ValidationError);
  });

  test('BatchGetRecord returns present records, leaves absent ones out, and reports unknown groups in Errors', async (t) => {
    const emu = await startTestEmulator(t, {
      featureGroups: {
        users: USERS,
        items: { recordIdentifierFeatureName: 'item_id', eventTimeFeatureName: 'ts' },
      },
    });
    const client = sageMakerClient(t, emu.url);
    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'users',
        Record: record({ user_id: 'u1', event_time: T1, a: '1', b: '2' }),
      }),
    );
    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'users',
        Record: record({ user_id: 'u2', event_time: T1, a: '3', b: '4' }),
      }),
    );
    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'items',
        Record: record({ item_id: 'i1', ts: T2, price: '9.5' }),
      }),
    );

    const out = await client.send(
      new BatchGetRecordCommand({
        Identifiers: [
          {
            FeatureGroupName: 'users',
            RecordIdentifiersValueAsString: ['u1', 'missing', 'u2'],
            FeatureNames: ['b'],
          },
          { FeatureGroupName: 'items', RecordIdentifiersValueAsString: ['i1'] },
          { FeatureGroupName: 'ghosts', RecordIdentifiersValueAsString: ['g1'] },
        ],
      }),
    );
    assert.deepEqual(out.Records, [
      { FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1', Record: record({ b: '2' }) },
      { FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u2', Record: record({ b: '4' }) },
      {
        FeatureGroupName: 'items',
        RecordIdentifierValueAsString: 'i1',
        Record: record({ item_id: 'i1', ts: T2, price: '9.5' }),
      },
    ]);
    assert.deepEqual(out.Errors, [
      {
        FeatureGroupName: 'ghosts',
        RecordIdentifierValueAsString: 'g1',
        ErrorCode: 'ResourceNotFound',
        ErrorMessage: "Resource Not Found: FeatureGroup 'ghosts' does not exist.",
      },
    ]);
    assert.deepEqual(out.UnprocessedIdentifiers, []);
    assert.equal(emu.calls().at(-1)?.operation, 'BatchGetRecord');
  });

  test('DeleteRecord: SoftDelete hides the record and keeps ordering; HardDelete needs a newer EventTime', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const put = (eventTime: string) =>
      client.send(
        new PutRecordCommand({
          FeatureGroupName: 'users',
          Record: record({ user_id: 'u1', event_time: eventTime }),
        }),
      );
    const get = async () =>
      (
        await client.send(
          new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }),
        )
      ).Record;

    await put(T1);
    const deleted = await client.send(
      new DeleteRecordCommand({
        FeatureGroupName: 'users',
        RecordIdentifierValueAsString: 'u1',
        EventTime: T2,
      }),
    );
    assert.equal(deleted.$metadata.httpStatusCode, 200);
    assert.equal(await get(), undefined);
    assert.deepEqual(emu.records('users'), []);
    await put(T1);
    assert.equal(await get(), undefined, 'a write older than the soft delete stays hidden');
    await put(T3);
    assert.ok(await get(), 'a newer write brings the record back');

    const stale = await rejection(
      client.send(
        new DeleteRecordCommand({
          FeatureGroupName: 'users',
          RecordIdentifierValueAsString: 'u1',
          EventTime: T2,
          DeletionMode: 'HardDelete',
        }),
      ),
    );
    assert.ok(stale instanceof ValidationError);
    assert.equal(stale.name, 'ValidationError');
    await client.send(
      new DeleteRecordCommand({
        FeatureGroupName: 'users',
        RecordIdentifierValueAsString: 'u1',
        EventTime: '2026-01-01T00:00:04.000Z',
        DeletionMode: 'HardDelete',
      }),
    );
    await put(T1);
    assert.ok(await get(), 'after a hard delete nothing remembers the old EventTime');
  });

  test('TargetStores without OnlineStore is accepted but leaves the online store untouched', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'users',
        Record: record({ user_id: 'u1', event_time: T1 }),
        TargetStores: ['OfflineStore'],
      }),
    );
    assert.deepEqual(emu.records('users'), []);
    assert.equal(emu.calls()[0]?.applied, false);
  });

  test('a feature group ARN is accepted wherever a name is', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/users';
    await client.send(
      new PutRecordCommand({ FeatureGroupName: arn, Record: record({ user_id: 'u1', event_time: T1 }) }),
    );
    const got = await client.send(
      new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }),
    );
    assert.ok(got.Record);
    assert.equal(emu.calls()[0]?.featureGroup, 'users');
  });

  test('TtlDuration sets ExpiresAt (returned only when asked) and the record disappears once it passes', async (t) => {
    let now = Date.parse('2026-01-01T00:00:30.000Z');
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS }, now: () => now });
    const client = sageMakerClient(t, emu.url);
    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'users',
        Record: record({ user_id: 'u1', event_time: T1 }),
        TtlDuration: { Unit: 'Minutes', Value: 1 },
      }),
    );
    const get = (ExpirationTimeResponse?: 'Enabled' | 'Disabled') =>
      client.send(
        new GetRecordCommand({
          FeatureGroupName: 'users',
          RecordIdentifierValueAsString: 'u1',
          ExpirationTimeResponse,
        }),
      );
    assert.equal((await get()).ExpiresAt, undefined);
    assert.equal((await get('Enabled')).ExpiresAt, '2026-01-01T00:01:01.000Z');
    now = Date.parse('2026-01-01T00:01:01.000Z');
    assert.equal((await get('Enabled')).Record, undefined);
  });
});

describe('SageMaker Feature Store emulator: feature groups and validation', () => {
  test('unknown groups are ResourceNotFound for every operation unless auto-create is configured', async (t) => {
    const emu = await startTestEmulator(t);
    const client = sageMakerClient(t, emu.url);
    const get = await rejection(
      client.send(new GetRecordCommand({ FeatureGroupName: 'nope', RecordIdentifierValueAsString: 'x' })),
    );
    assert.ok(get instanceof ResourceNotFound);
    assert.equal(get.name, 'ResourceNotFound');
    assert.equal(httpStatus(get), 404);
    assert.match(get.message, /FeatureGroup 'nope' does not exist/);

    // ResourceNotFound is modelled for GetRecord only; on PutRecord the SDK still names the error after the header.
    const put = await rejection(
      client.send(
        new PutRecordCommand({ FeatureGroupName: 'nope', Record: record({ user_id: 'u1', event_time: T1 }) }),
      ),
    );
    assert.equal(put.name, 'ResourceNotFound');
    assert.equal(httpStatus(put), 404);
    assert.deepEqual(
      emu.calls().map((c) => c.errorType),
      ['ResourceNotFound', 'ResourceNotFound'],
    );
  });

  test('auto-create makes a group on its first PutRecord with the configured names', async (t) => {
    const emu = await startTestEmulator(t, {
      autoCreate: { recordIdentifierFeatureName: 'entity', eventTimeFeatureName: 'event_time' },
    });
    const client = sageMakerClient(t, emu.url);
    const miss = await rejection(
      client.send(new GetRecordCommand({ FeatureGroupName: 'fresh', RecordIdentifierValueAsString: 'e1' })),
    );
    assert.ok(miss instanceof ResourceNotFound, 'reads do not create groups');
    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'fresh',
        Record: record({ entity: 'e1', event_time: T1, x: '1' }),
      }),
    );
    assert.deepEqual(emu.featureGroups(), {
      fresh: { recordIdentifierFeatureName: 'entity', eventTimeFeatureName: 'event_time' },
    });
    const bad = await rejection(
      client.send(
        new PutRecordCommand({
          FeatureGroupName: 'other',
          Record: record({ user_id: 'u1', event_time: T1 }),
        }),
      ),
    );
    assert.ok(bad instanceof ValidationError, 'the auto-created definition is enforced');
  });

  test('invalid records surface as the SDK ValidationError with a message naming the problem', async (t) => {
    const emu = await startTestEmulator(t, {
      featureGroups: { strict: { ...USERS, featureNames: ['user_id', 'event_time', 'clicks'] } },
    });
    const client = sageMakerClient(t, emu.url);
    const cases: [Record<string, string>, RegExp][] = [
      [{ event_time: T1 }, /record identifier feature 'user_id'/],
      [{ user_id: 'u1' }, /event time feature 'event_time'/],
      [{ user_id: 'u1', event_time: '2026-01-01 00:00:00' }, /Invalid EventTime/],
      [{ user_id: 'u1', event_time: '2026-02-30T00:00:00Z' }, /Invalid EventTime/],
      [{ user_id: 'u1', event_time: '1767225600' }, /Invalid EventTime/],
      [{ user_id: 'u1', event_time: T1, views: '3' }, /'views' is not defined/],
    ];
    for (const [values, message] of cases) {
      const error = await rejection(
        client.send(new PutRecordCommand({ FeatureGroupName: 'strict', Record: record(values) })),
      );
      assert.ok(error instanceof ValidationError, `${JSON.stringify(values)} -> ${error.name}`);
      assert.equal(httpStatus(error), 400);
      assert.match(error.message, message);
    }
    const filter = await rejection(
      client.send(
        new GetRecordCommand({
          FeatureGroupName: 'strict',
          RecordIdentifierValueAsString: 'u1',
          FeatureNames: ['views'],
        }),
      ),
    );
    assert.ok(filter instanceof ValidationError);
    assert.deepEqual(emu.records('strict'), []);
  });

  test('operations the emulator does not implement are UnknownOperationException, not silent successes', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const error = await rejection(
      client.send(
        new BatchWriteRecordCommand({
          Entries: [{ FeatureGroupName: 'users', Record: record({ user_id: 'u1', event_time: T1 }) }],
        }),
      ),
    );
    assert.equal(error.name, 'UnknownOperationException');
    assert.equal(httpStatus(error), 404);
    assert.equal(emu.calls()[0]?.operation, 'Unknown');
  });
});

describe('SageMaker Feature Store emulator: faults', () => {
  test('throttleRate 1 answers every call 400 ThrottlingException and changes nothing', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS }, faults: { throttleRate: 1 } });
    const client = sageMakerClient(t, emu.url);
    const error = await rejection(
      client.send(
        new PutRecordCommand({
          FeatureGroupName: 'users',
          Record: record({ user_id: 'u1', event_time: T1 }),
        }),
      ),
    );
    assert.equal(error.name, 'ThrottlingException');
    assert.equal(httpStatus(error), 400);
    assert.equal(error.$fault, 'client');
    assert.deepEqual(emu.records('users'), []);
    assert.deepEqual(
      emu.calls().map((c) => [c.operation, c.status, c.errorType, c.fault]),
      [['PutRecord', 400, 'ThrottlingException', 'throttle']],
    );
  });

  test('errorRate 1 gives 500 InternalFailure or 503 ServiceUnavailable as the SDK typed errors, and the SDK retries them', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const get = () =>
      client.send(new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }));

    emu.setFaults({ errorRate: 1, errorType: 'InternalFailure' });
    const internal = await rejection(get());
    assert.ok(internal instanceof InternalFailure);
    assert.equal(httpStatus(internal), 500);

    emu.setFaults({ errorType: 'ServiceUnavailable' });
    const unavailable = await rejection(get());
    assert.ok(unavailable instanceof ServiceUnavailable);
    assert.equal(httpStatus(unavailable), 503);

    emu.resetCalls();
    const retrying = sageMakerClient(t, emu.url, { maxAttempts: 3 });
    await rejection(
      retrying.send(new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' })),
    );
    assert.equal(emu.calls().length, 3, 'the SDK treats 503 as retryable');

    emu.setFaults({ errorRate: 0 });
    assert.equal((await get()).$metadata.httpStatusCode, 200);
  });

  test('a seed makes the fault sequence reproducible', async (t) => {
    const statuses = async () => {
      const emu = await startTestEmulator(t, {
        featureGroups: { users: USERS },
        seed: 42,
        faults: { throttleRate: 0.3, errorRate: 0.3 },
      });
      const client = sageMakerClient(t, emu.url);
      for (let i = 0; i < 30; i++) {
        await client
          .send(new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }))
          .catch(() => undefined);
      }
      return emu.calls().map((c) => c.status);
    };
    const first = await statuses();
    assert.deepEqual(await statuses(), first);
    for (const status of [200, 400, 500, 503])
      assert.ok(first.includes(status), `${status} in ${first.join(',')}`);
  });

  test('latencyMs delays every response', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS }, faults: { latencyMs: 150 } });
    const client = sageMakerClient(t, emu.url);
    const started = performance.now();
    await client.send(
      new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }),
    );
    assert.ok(performance.now() - started >= 145, 'waited at least latencyMs');
    assert.ok((emu.calls()[0]?.durationMs ?? 0) >= 145);
  });

  test('setDown(true) resets open connections and refuses new ones; setDown(false) serves again on the same port', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const get = () =>
      client.send(new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }));
    await client.send(
      new PutRecordCommand({ FeatureGroupName: 'users', Record: record({ user_id: 'u1', event_time: T1 }) }),
    );

    await emu.setDown(true);
    assert.equal(emu.isDown(), true);
    // The client may not have seen the server close its kept-alive socket yet: reusing it gives ECONNRESET, as a
    // real outage would. Once that socket is gone, new connections are refused.
    const first = await rejection(get());
    assert.ok(first.code === 'ECONNRESET' || first.code === 'ECONNREFUSED', String(first.code));
    const refused = await rejection(get());
    assert.equal(refused.code, 'ECONNREFUSED');
    const direct = await rejection(fetch(`${emu.url}/_emulator/health`));
    assert.equal((direct.cause as { code?: string }).code, 'ECONNREFUSED');

    await emu.setDown(false);
    assert.ok((await get()).Record, 'the record survived the outage');
    assert.ok(emu.url.endsWith(`:${emu.port}`));
  });

  test('POST /_emulator/faults sets faults and a timed outage; down without downForMs is rejected', async (t) => {
    const emu = await startTestEmulator(t, { featureGroups: { users: USERS } });
    const client = sageMakerClient(t, emu.url);
    const post = (body: unknown) =>
      fetch(`${emu.url}/_emulator/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });

    const set = await post({ throttleRate: 0.25, latencyMs: 5 });
    assert.equal(set.status, 200);
    assert.deepEqual(await set.json(), {
      throttleRate: 0.25,
      errorRate: 0,
      errorType: 'mixed',
      latencyMs: 5,
      down: false,
    });
    assert.equal(emu.faults().throttleRate, 0.25);

    const bad = await post({ throttleRate: 2 });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype'), 'ValidationError');
    assert.match(((await bad.json()) as { Message: string }).Message, /throttleRate/);
    const noDuration = await post({ down: true });
    assert.equal(noDuration.status, 400);
    assert.equal(emu.isDown(), false);

    await post({ throttleRate: 0, latencyMs: 0 });
    const down = await post({ down: true, downForMs: 1_000 });
    assert.equal(down.status, 200);
    assert.equal(((await down.json()) as { down: boolean }).down, true);
    // The outage starts once the reply is sent.
    for (let i = 0; i < 100 && !emu.isDown(); i++) await sleep(5);
    assert.equal(emu.isDown(), true);
    const refused = await rejection(
      client.send(new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' })),
    );
    assert.equal(refused.code, 'ECONNREFUSED');
    const deadline = Date.now() + 3_000;
    while (emu.isDown() && Date.now() < deadline) await sleep(25);
    const back = await client.send(
      new GetRecordCommand({ FeatureGroupName: 'users', RecordIdentifierValueAsString: 'u1' }),
    );
    assert.equal(back.$metadata.httpStatusCode, 200);
  });
});

describe('SageMaker Feature Store emulator: admin endpoints', () => {
  test('define a group, read its records and the call log over HTTP; unsigned calls are flagged', async (t) => {
    const emu = await startTestEmulator(t);
    const client = sageMakerClient(t, emu.url);
    const define = await fetch(`${emu.url}/_emulator/feature-groups/users`, {
      method: 'PUT',
      body: JSON.stringify(USERS),
    });
    assert.equal(define.status, 200);
    const badDefine = await fetch(`${emu.url}/_emulator/feature-groups/other`, {
      method: 'PUT',
      body: JSON.stringify({ recordIdentifierFeatureName: 'id' }),
    });
    assert.equal(badDefine.status, 400);

    await client.send(
      new PutRecordCommand({
        FeatureGroupName: 'users',
        Record: record({ user_id: 'u1', event_time: T1, a: 'x' }),
      }),
    );
    const unsigned = await fetch(`${emu.url}/FeatureGroup/users?RecordIdentifierValueAsString=u1`);
    assert.equal(unsigned.status, 200);
    assert.deepEqual(await unsigned.json(), { Record: record({ user_id: 'u1', event_time: T1, a: 'x' }) });

    const records = await (await fetch(`${emu.url}/_emulator/feature-groups/users/records`)).json();
    assert.deepEqual(records, {
      records: [
        { recordIdentifier: 'u1', eventTime: T1, record: record({ user_id: 'u1', event_time: T1, a: 'x' }) },
      ],
    });
    const missing = await fetch(`${emu.url}/_emulator/feature-groups/nope/records`);
    assert.equal(missing.status, 404);

    const { calls } = (await (await fetch(`${emu.url}/_emulator/calls`)).json()) as {
      calls: { signed: boolean; at: number }[];
    };
    assert.deepEqual(
      calls.map((c) => c.signed),
      [true, false],
      'admin calls are not logged',
    );
    assert.ok(calls.every((c) => typeof c.at === 'number'));
    assert.equal((await fetch(`${emu.url}/_emulator/calls`, { method: 'DELETE' })).status, 204);
    assert.deepEqual(emu.calls(), []);

    assert.equal(
      (await fetch(`${emu.url}/_emulator/feature-groups/users`, { method: 'DELETE' })).status,
      204,
    );
    assert.deepEqual(emu.featureGroups(), {});
  });
});
