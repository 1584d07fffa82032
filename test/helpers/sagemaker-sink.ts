/**
 * Helpers for the SageMaker sink tests: Eddy (real app, workers, private Redis) whose sink talks to the local
 * Feature Store emulator over HTTP through the real SDK client, and checks that the emulator's records equal the
 * online API's values as of `latest`.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SageMakerEmulator } from '../../src/emulator/sagemaker/index.js';
import { startEddy, type TestEddy } from './eddy.js';

// The sink's client uses the SDK's default credential chain: give it static test keys through the environment,
// so the chain never looks further (no instance metadata lookups).
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Settings that keep the tests quick (short linger and backoff, frequent sweep). */
export const FAST_SINK: Record<string, string> = {
  EDDY_SAGEMAKER_LINGER_MS: '50',
  EDDY_SAGEMAKER_BACKOFF_BASE_MS: '5',
  EDDY_SAGEMAKER_BACKOFF_MAX_MS: '100',
  EDDY_SAGEMAKER_MAX_ATTEMPTS: '30',
  EDDY_SAGEMAKER_TIMEOUT_MS: '2000',
  EDDY_SAGEMAKER_SWEEP_MS: '1000',
};

export async function startSinkEddy(
  t: TestContext,
  emulator: SageMakerEmulator,
  env: Record<string, string> = {},
): Promise<TestEddy> {
  const eddy = await startEddy({ SAGEMAKER_FEATURESTORE_ENDPOINT: emulator.url, ...FAST_SINK, ...env });
  t.after(() => eddy.close());
  return eddy;
}

/** Registers a view and defines its feature group in the emulator from `GET .../sagemaker` (features enforced). */
export async function createSinkView(eddy: TestEddy, emulator: SageMakerEmulator, spec: object) {
  const created = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: spec });
  assert.equal(created.statusCode, 201, created.body);
  const name = created.json().name as string;
  const res = await eddy.app.inject({ url: `/v1/feature-views/${name}/sagemaker` });
  assert.equal(res.statusCode, 200, res.body);
  const input = res.json().createFeatureGroup;
  emulator.defineFeatureGroup(input.FeatureGroupName, {
    recordIdentifierFeatureName: input.RecordIdentifierFeatureName,
    eventTimeFeatureName: input.EventTimeFeatureName,
    featureNames: input.FeatureDefinitions.map((d: { FeatureName: string }) => d.FeatureName),
  });
  return { name, group: input.FeatureGroupName as string };
}

export async function push(eddy: TestEddy, view: string, records: unknown[], wait = true) {
  const res = await eddy.app.inject({
    method: 'POST',
    url: `/v1/feature-views/${view}/records${wait ? '?wait=true' : ''}`,
    payload: { records },
  });
  assert.equal(res.statusCode, wait ? 200 : 202, res.body);
  return res.json();
}

export async function sinkState(eddy: TestEddy, view: string) {
  const res = await eddy.app.inject({ url: `/v1/feature-views/${view}/sagemaker` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().state as {
    pending: number;
    written: number;
    unchanged: number;
    failed: number;
    deadLettered: number;
    deadLetters: number;
    lastError: { code: string } | null;
  };
}

/** Waits until the sink has nothing pending. */
export async function sinkIdle(eddy: TestEddy, view: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await sinkState(eddy, view);
    if (state.pending === 0) return state;
    if (Date.now() > deadline) assert.fail(`sink still has ${state.pending} pending after ${timeoutMs} ms`);
    await sleep(25);
  }
}

export interface Online {
  status: string;
  eventTime: string | null;
  values: Record<string, number | null>;
}

export async function onlineLatest(eddy: TestEddy, view: string, entity: string): Promise<Online> {
  const res = await eddy.app.inject({
    url: `/v1/feature-views/${view}/entities/${encodeURIComponent(entity)}?asOf=latest`,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** The emulator's record of an entity as name -> string, or undefined. */
export function storedRecord(emulator: SageMakerEmulator, group: string, entity: string) {
  const rec = emulator.records(group).find((r) => r.recordIdentifier === entity);
  return rec && Object.fromEntries(rec.record.map((f) => [f.FeatureName, f.ValueAsString ?? '']));
}

/**
 * Asserts that the emulator holds, for each entity, exactly the online values as of `latest`: identifier, event
 * time = the watermark (up to `eventTimeSlackMs` past it), each non-null feature parsing back to the same number,
 * no feature for a null value.
 */
export async function assertConverged(
  eddy: TestEddy,
  emulator: SageMakerEmulator,
  view: string,
  group: string,
  entities: readonly string[],
  options: { key?: string; time?: string; eventTimeSlackMs?: number } = {},
) {
  const ids = { key: options.key ?? 'sensor_id', time: options.time ?? 'event_time' };
  const slack = options.eventTimeSlackMs ?? 0;
  for (const entity of entities) {
    const online = await onlineLatest(eddy, view, entity);
    assert.equal(online.status, 'PRESENT', entity);
    const stored = storedRecord(emulator, group, entity);
    assert.ok(stored, `no record for ${entity} in the emulator`);
    assert.equal(stored[ids.key], entity);
    if (slack === 0)
      assert.equal(stored[ids.time], online.eventTime, `${entity}: event time is the watermark`);
    else {
      // A change that did not move the watermark is written just past the previous write (sagemaker-write-plan.ts).
      const past = Date.parse(stored[ids.time]!) - Date.parse(online.eventTime!);
      assert.ok(
        past >= 0 && past <= slack,
        `${entity}: event time ${stored[ids.time]} vs watermark ${online.eventTime}`,
      );
    }
    const nonNull = Object.entries(online.values).filter(([, v]) => v !== null);
    assert.deepEqual(
      Object.keys(stored).sort(),
      [ids.key, ids.time, ...nonNull.map(([name]) => name)].sort(),
      `${entity}: the record has exactly the non-null online features`,
    );
    // The online API serves JSON numbers; the record strings that parse back to the same double.
    for (const [name, value] of nonNull) assert.equal(Number(stored[name]), value, `${entity}: ${name}`);
  }
}
