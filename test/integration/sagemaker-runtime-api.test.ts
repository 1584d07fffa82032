/**
 * The SageMaker Feature Store runtime-compatible read API, driven by the real AWS SDK client (and the AWS CLI)
 * pointed at the app's endpoint, with SigV4 verified against Eddy API keys. Values are checked against an
 * independent computation over the pushed readings and against Eddy's own online reads.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  BatchGetRecordCommand,
  GetRecordCommand,
  SageMakerFeatureStoreRuntimeClient,
} from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { sensorView } from '../helpers/views.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const KEYS = { admin: 'admin-key-0123456789', read: 'read-key-0123456789', write: 'write-key-0123456789' };
/** Access key ids are the keys' positions: key-1 admin, key-2 read, key-3 write. */
const API_KEYS = `admin:${KEYS.admin},read:${KEYS.read},write:${KEYS.write}`;

let eddy: TestEddy;
let endpoint: string;
const clients: SageMakerFeatureStoreRuntimeClient[] = [];

function client(accessKeyId: string, secretAccessKey: string, extra: Record<string, unknown> = {}) {
  const c = new SageMakerFeatureStoreRuntimeClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
    ...extra,
  });
  clients.push(c);
  return c;
}

const admin = (method: string, url: string, payload?: unknown) =>
  eddy.app.inject({
    method: method as 'GET',
    url,
    payload: payload as object,
    headers: { authorization: `Bearer ${KEYS.admin}` },
  });

/** Readings per sensor; every event lies within the last minute, so every window holds all of them. */
const NOW = Date.now();
const READINGS: Record<string, number[]> = { s1: [70, 72, 74, 76], 's/2 ü': [10, 30] };

before(async () => {
  // The sink's writes go nowhere that answers: this suite reads Eddy itself, not SageMaker.
  eddy = await startEddy({ EDDY_API_KEYS: API_KEYS, SAGEMAKER_FEATURESTORE_ENDPOINT: 'http://127.0.0.1:9' });
  const address = await eddy.app.listen({ port: 0, host: '127.0.0.1' });
  endpoint = `${address}/sagemaker-featurestore`;
  const withSink = sensorView({ sinks: { sagemaker: { featureGroupName: 'sensor-stats' } } });
  assert.equal((await admin('POST', '/v1/feature-views', withSink)).statusCode, 201);
  const plain = sensorView({ name: 'plain_view' });
  assert.equal((await admin('POST', '/v1/feature-views', plain)).statusCode, 201);
  for (const view of ['sensor_stats', 'plain_view']) {
    const records = Object.entries(READINGS).flatMap(([sensor, temps]) =>
      temps.map((temperature, i) => ({
        sensor_id: sensor,
        ts: NOW - 50_000 + i * 10_000,
        temperature,
        reading_id: `${sensor}-${i}`,
      })),
    );
    const res = await admin('POST', `/v1/feature-views/${view}/records?wait=true`, { records });
    assert.equal(res.statusCode, 200, res.body);
  }
});
after(async () => {
  for (const c of clients) c.destroy();
  await eddy.close();
});

/** The record an independent computation expects for `sensor` (features in view order). */
function expectedRecord(sensor: string, idName = 'sensor_id') {
  const temps = READINGS[sensor]!;
  const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
  const std = Math.sqrt(temps.reduce((a, t) => a + (t - mean) ** 2, 0) / temps.length);
  return [
    { FeatureName: idName, ValueAsString: sensor },
    {
      FeatureName: 'event_time',
      ValueAsString: new Date(NOW - 50_000 + (temps.length - 1) * 10_000).toISOString(),
    },
    { FeatureName: 'temp_avg_5m', ValueAsString: String(mean) },
    { FeatureName: 'temp_max_1h', ValueAsString: String(Math.max(...temps)) },
    { FeatureName: 'readings_5m', ValueAsString: String(temps.length) },
    { FeatureName: 'temp_std_50', ValueAsString: String(std) },
    { FeatureName: 'temp_last', ValueAsString: String(temps.at(-1)) },
  ];
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $metadata: { httpStatusCode?: number } };
  }
  assert.fail('expected the call to fail');
}

describe('GetRecord', () => {
  test('answers the record of a view naming the group in its sink, equal to an independent computation', async () => {
    const out = await client('key-2', KEYS.read).send(
      new GetRecordCommand({ FeatureGroupName: 'sensor-stats', RecordIdentifierValueAsString: 's1' }),
    );
    const expected = expectedRecord('s1');
    // The standard deviation goes through floating point: compare it numerically, the rest exactly.
    const std = (r: { FeatureName?: string; ValueAsString?: string }[]) =>
      Number(r.find((f) => f.FeatureName === 'temp_std_50')!.ValueAsString);
    assert.ok(Math.abs(std(out.Record!) - std(expected)) < 1e-9);
    const rest = (r: { FeatureName?: string }[]) => r.filter((f) => f.FeatureName !== 'temp_std_50');
    assert.deepEqual(rest(out.Record!), rest(expected));
  });

  test("values equal Eddy's own read of the entity, for a view answering under its own name", async () => {
    const sensor = 's/2 ü';
    const out = await client('key-1', KEYS.admin).send(
      new GetRecordCommand({ FeatureGroupName: 'plain_view', RecordIdentifierValueAsString: sensor }),
    );
    const own = (
      await admin('GET', `/v1/feature-views/plain_view/entities/${encodeURIComponent(sensor)}`)
    ).json();
    const asValues = Object.fromEntries(out.Record!.map((f) => [f.FeatureName, f.ValueAsString]));
    assert.equal(asValues.sensor_id, sensor);
    assert.equal(asValues.event_time, own.eventTime);
    for (const [name, value] of Object.entries(own.values as Record<string, number>)) {
      assert.equal(asValues[name], String(value), name);
    }
  });

  test('FeatureName narrows the record (kept in record order)', async () => {
    const out = await client('key-2', KEYS.read).send(
      new GetRecordCommand({
        FeatureGroupName: 'sensor-stats',
        RecordIdentifierValueAsString: 's1',
        FeatureNames: ['temp_last', 'sensor_id'],
      }),
    );
    assert.deepEqual(out.Record, [
      { FeatureName: 'sensor_id', ValueAsString: 's1' },
      { FeatureName: 'temp_last', ValueAsString: '76' },
    ]);
  });

  test('an unknown record has no Record; an unknown group is ResourceNotFound (404)', async () => {
    const c = client('key-2', KEYS.read);
    const absent = await c.send(
      new GetRecordCommand({ FeatureGroupName: 'sensor-stats', RecordIdentifierValueAsString: 'nobody' }),
    );
    assert.equal(absent.Record, undefined);
    assert.equal(absent.$metadata.httpStatusCode, 200);
    const err = await rejection(
      c.send(
        new GetRecordCommand({ FeatureGroupName: 'no-such-group', RecordIdentifierValueAsString: 's1' }),
      ),
    );
    assert.equal(err.name, 'ResourceNotFound');
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.match(err.message, /no-such-group/);
  });

  test('a FeatureName the group does not define is a ValidationError (400)', async () => {
    const err = await rejection(
      client('key-2', KEYS.read).send(
        new GetRecordCommand({
          FeatureGroupName: 'sensor-stats',
          RecordIdentifierValueAsString: 's1',
          FeatureNames: ['nope'],
        }),
      ),
    );
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });
});

describe('BatchGetRecord', () => {
  test('found records in request order, absent ones left out, unknown groups as Errors', async () => {
    const out = await client('key-2', KEYS.read).send(
      new BatchGetRecordCommand({
        Identifiers: [
          { FeatureGroupName: 'sensor-stats', RecordIdentifiersValueAsString: ['s/2 ü', 'nobody', 's1'] },
          {
            FeatureGroupName: 'plain_view',
            RecordIdentifiersValueAsString: ['s1'],
            FeatureNames: ['temp_avg_5m'],
          },
          { FeatureGroupName: 'missing-group', RecordIdentifiersValueAsString: ['a', 'b'] },
        ],
      }),
    );
    assert.deepEqual(
      out.Records!.map((r) => [r.FeatureGroupName, r.RecordIdentifierValueAsString]),
      [
        ['sensor-stats', 's/2 ü'],
        ['sensor-stats', 's1'],
        ['plain_view', 's1'],
      ],
    );
    assert.deepEqual(out.Records![2]!.Record, [{ FeatureName: 'temp_avg_5m', ValueAsString: '73' }]);
    const single = await client('key-2', KEYS.read).send(
      new GetRecordCommand({ FeatureGroupName: 'sensor-stats', RecordIdentifierValueAsString: 's1' }),
    );
    assert.deepEqual(out.Records![1]!.Record, single.Record);
    assert.deepEqual(
      out.Errors!.map((e) => [e.FeatureGroupName, e.RecordIdentifierValueAsString, e.ErrorCode]),
      [
        ['missing-group', 'a', 'ResourceNotFound'],
        ['missing-group', 'b', 'ResourceNotFound'],
      ],
    );
    assert.deepEqual(out.UnprocessedIdentifiers, []);
  });

  test('more than 100 identifiers is a ValidationError', async () => {
    const err = await rejection(
      client('key-2', KEYS.read).send(
        new BatchGetRecordCommand({
          Identifiers: [
            { FeatureGroupName: 'sensor-stats', RecordIdentifiersValueAsString: Array(101).fill('x') },
          ],
        }),
      ),
    );
    assert.equal(err.name, 'ValidationError');
  });
});

describe('SigV4 with Eddy API keys', () => {
  const get = (c: SageMakerFeatureStoreRuntimeClient) =>
    c.send(new GetRecordCommand({ FeatureGroupName: 'sensor-stats', RecordIdentifierValueAsString: 's1' }));

  test('a wrong secret is InvalidSignatureException (403)', async () => {
    const err = await rejection(get(client('key-2', 'not-the-read-key-0123')));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.equal(err.$metadata.httpStatusCode, 403);
  });

  test('a signed body that was changed on the way fails the signature', async () => {
    const c = client('key-2', KEYS.read);
    c.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: string | Uint8Array };
        const text =
          typeof request.body === 'string' ? request.body : Buffer.from(request.body!).toString('utf8');
        request.body = text.replace('s1', 's9');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    const err = await rejection(
      c.send(
        new BatchGetRecordCommand({
          Identifiers: [{ FeatureGroupName: 'sensor-stats', RecordIdentifiersValueAsString: ['s1'] }],
        }),
      ),
    );
    assert.equal(err.name, 'InvalidSignatureException');
  });

  test('an unknown access key id is UnrecognizedClientException', async () => {
    const err = await rejection(get(client('AKIAEXAMPLE', KEYS.read)));
    assert.equal(err.name, 'UnrecognizedClientException');
    assert.equal(err.$metadata.httpStatusCode, 403);
  });

  test('a key without the read scope is AccessDeniedException', async () => {
    const err = await rejection(get(client('key-3', KEYS.write)));
    assert.equal(err.name, 'AccessDeniedException');
    assert.equal(err.$metadata.httpStatusCode, 403);
  });

  test('a signature older than 15 minutes is InvalidSignatureException', async () => {
    const err = await rejection(get(client('key-2', KEYS.read, { systemClockOffset: -20 * 60_000 })));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.match(err.message, /expired/i);
  });

  test('an unsigned request is MissingAuthenticationTokenException in the AWS error shape', async () => {
    const res = await fetch(`${endpoint}/FeatureGroup/sensor-stats?RecordIdentifierValueAsString=s1`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepEqual(await res.json(), { message: 'Missing Authentication Token' });
    const bearer = await fetch(`${endpoint}/FeatureGroup/sensor-stats?RecordIdentifierValueAsString=s1`, {
      headers: { authorization: `Bearer ${KEYS.read}` },
    });
    assert.equal(bearer.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  test('an unsigned request to an unknown path is MissingAuthenticationTokenException, as on AWS', async () => {
    const res = await fetch(`${endpoint}/Nothing`, { method: 'POST' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });
});

describe('the AWS CLI and boto3', () => {
  test('boto3 get_record and batch_get_record read the same records as the JS SDK', async () => {
    const script = `
import boto3, json, sys
c = boto3.client("sagemaker-featurestore-runtime", endpoint_url=sys.argv[1], region_name="eu-west-1",
                 aws_access_key_id="key-2", aws_secret_access_key=sys.argv[2])
one = c.get_record(FeatureGroupName="sensor-stats", RecordIdentifierValueAsString="s/2 ü")
batch = c.batch_get_record(Identifiers=[{"FeatureGroupName": "sensor-stats", "RecordIdentifiersValueAsString": ["s1", "nobody"]}])
try:
    c.get_record(FeatureGroupName="no-such-group", RecordIdentifierValueAsString="s1")
    missing = None
except c.exceptions.ResourceNotFound as e:
    missing = e.response["Error"]["Code"]
print(json.dumps({"one": one.get("Record"), "batch": batch["Records"], "missing": missing}))
`;
    const { stdout } = await promisify(execFile)('python3', ['-c', script, endpoint, KEYS.read], {
      env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });
    const out = JSON.parse(stdout);
    const js = client('key-2', KEYS.read);
    const read = async (id: string) =>
      (
        await js.send(
          new GetRecordCommand({ FeatureGroupName: 'sensor-stats', RecordIdentifierValueAsString: id }),
        )
      ).Record;
    assert.deepEqual(out.one, await read('s/2 ü'));
    assert.deepEqual(out.batch, [
      { FeatureGroupName: 'sensor-stats', RecordIdentifierValueAsString: 's1', Record: await read('s1') },
    ]);
    assert.equal(out.missing, 'ResourceNotFound');
  });

  test('aws sagemaker-featurestore-runtime get-record --endpoint-url reads the record', async () => {
    const { stdout } = await promisify(execFile)(
      'aws',
      [
        'sagemaker-featurestore-runtime',
        'get-record',
        '--endpoint-url',
        endpoint,
        '--feature-group-name',
        'sensor-stats',
        '--record-identifier-value-as-string',
        's1',
        '--feature-names',
        'temp_avg_5m',
        'temp_last',
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'key-2',
          AWS_SECRET_ACCESS_KEY: KEYS.read,
          AWS_DEFAULT_REGION: 'eu-west-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );
    assert.deepEqual(JSON.parse(stdout), {
      Record: [
        { FeatureName: 'temp_avg_5m', ValueAsString: '73' },
        { FeatureName: 'temp_last', ValueAsString: '76' },
      ],
    });
  });
});
