import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import type { FeatureView, FeatureViewSpec } from '../../src/core/feature-view.js';
import { resolveView } from '../../src/core/resolve-view.js';
import type { FeatureViewBody, FeatureViewSpecBody } from '../../src/http/schemas/feature-view.js';
import { FeatureViewSchema, FeatureViewSpecSchema } from '../../src/http/schemas/feature-view.js';
import { SENSOR_STATS_VIEW } from '../helpers/views.js';

// Compile-time: the schemas' Static types are assignable to the core interfaces (checked by `tsc --noEmit`).
const specFromBody = (body: FeatureViewSpecBody): FeatureViewSpec => body;
const viewFromBody = (body: FeatureViewBody): FeatureView => body;
void specFromBody;
void viewFromBody;

const MINIMAL = {
  name: 'v',
  entityKey: 'id',
  source: { type: 'push' },
  features: [{ name: 'n', agg: 'count' }],
};

const spec = Compile(FeatureViewSpecSchema);
const stored = Compile(FeatureViewSchema);

/** Deep copy of `base` with `value` at the path (undefined deletes). */
function withValue(base: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

test('the schemas carry $ids, forbid unknown properties and describe every property', () => {
  assert.equal((FeatureViewSpecSchema as { $id?: string }).$id, 'FeatureViewSpec');
  assert.equal((FeatureViewSchema as { $id?: string }).$id, 'FeatureView');
  const walk = (schema: unknown, path: string): void => {
    if (typeof schema !== 'object' || schema === null) return;
    const s = schema as Record<string, unknown>;
    if (s.type === 'object') assert.equal(s.additionalProperties, false, `${path} additionalProperties`);
    for (const [name, child] of Object.entries((s.properties as Record<string, unknown>) ?? {})) {
      assert.equal(
        typeof (child as { description?: unknown }).description,
        'string',
        `${path}/${name} description`,
      );
      walk(child, `${path}/${name}`);
    }
    for (const child of (s.anyOf as unknown[]) ?? []) walk(child, `${path}(anyOf)`);
    if (s.items) walk(s.items, `${path}[]`);
  };
  walk(FeatureViewSpecSchema, '#spec');
  walk(FeatureViewSchema, '#view');
});

test('the documented sensor example and a minimal spec are valid', () => {
  assert.equal(Value.Check(FeatureViewSpecSchema, SENSOR_STATS_VIEW), true);
  assert.equal(spec.Check(SENSOR_STATS_VIEW), true);
  assert.equal(spec.Check(MINIMAL), true);
  const at = withValue(SENSOR_STATS_VIEW, ['source', 'startPosition'], {
    atTimestamp: '2025-01-01T00:00:00+01:00',
  });
  assert.equal(spec.Check(at), true);
});

test('unknown properties are rejected at every level', () => {
  for (const path of [
    ['extra'],
    ['source', 'extra'],
    ['features', 0, 'extra'],
    ['eventTime', 'extra'],
    ['sinks', 'extra'],
    ['sinks', 'sagemaker', 'extra'],
  ]) {
    const body = withValue(SENSOR_STATS_VIEW, path, 1);
    assert.equal(spec.Check(body), false, path.join('/'));
    assert.ok(
      spec.Errors(body).some((e) => e.keyword === 'additionalProperties'),
      path.join('/'),
    );
  }
  assert.equal(
    spec.Check(withValue(MINIMAL, ['source', 'streamName'], 's')),
    false,
    'push has no streamName',
  );
  const atExtra = withValue(SENSOR_STATS_VIEW, ['source', 'startPosition'], {
    atTimestamp: '2025-01-01T00:00:00Z',
    x: 1,
  });
  assert.equal(spec.Check(atExtra), false);
});

test('limits and patterns', () => {
  const invalid: [(string | number)[], unknown][] = [
    [['name'], 'Sensor'],
    [['name'], `a${'b'.repeat(63)}`],
    [['name'], '_a'],
    [['description'], 'x'.repeat(1025)],
    [['entityKey'], ''],
    [['entityKey'], 'k'.repeat(129)],
    [['eventTime', 'field'], ''],
    [['eventIdField'], 'k'.repeat(129)],
    [['granularity'], '0s'],
    [['allowedLateness'], '5 m'],
    [['ttl'], '1w'],
    [['ttl'], `${'9'.repeat(20)}d`],
    [['features'], []],
    [['features', 0, 'name'], 'Temp'],
    [['features', 0, 'agg'], 'median'],
    [['features', 0, 'field'], ''],
    [['features', 0, 'window'], '5'],
    [['features', 3, 'events'], 0],
    [['features', 3, 'events'], 1001],
    [['features', 3, 'events'], 2.5],
    [['source', 'streamName'], ''],
    [['source', 'streamName'], 'a b'],
    [['source', 'streamName'], 's'.repeat(129)],
    [['source', 'streamName'], undefined],
    [['source', 'startPosition'], 'EARLIEST'],
    [['source', 'startPosition'], { atTimestamp: '2025-01-01T00:00:00' }],
    [['source', 'startPosition'], { atTimestamp: 'yesterday' }],
    [['source', 'type'], 'file'],
    [['sinks', 'sagemaker', 'featureGroupName'], 'sensor_stats_'],
    [['sinks', 'sagemaker', 'featureGroupName'], 'a'.repeat(65)],
    [['sinks', 'sagemaker', 'recordIdentifierFeatureName'], 'sensor.id'],
  ];
  for (const [path, value] of invalid) {
    assert.equal(
      spec.Check(withValue(SENSOR_STATS_VIEW, path, value)),
      false,
      `${path.join('/')} = ${JSON.stringify(value)}`,
    );
  }
  const tooMany = {
    ...MINIMAL,
    features: Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, agg: 'count' })),
  };
  assert.equal(spec.Check(tooMany), false);
  assert.equal(spec.Check({ ...tooMany, features: tooMany.features.slice(0, 100) }), true);
  assert.equal(spec.Check(withValue(SENSOR_STATS_VIEW, ['name'], `a${'b'.repeat(62)}`)), true);
  assert.equal(
    spec.Check(withValue(SENSOR_STATS_VIEW, ['sinks', 'sagemaker', 'featureGroupName'], 'a'.repeat(64))),
    true,
  );
});

test('a resolved view matches the stored schema; a bare spec does not', () => {
  const view = resolveView(SENSOR_STATS_VIEW as FeatureViewSpec, 1, new Date('2025-01-01T00:00:00Z'));
  assert.equal(stored.Check(view), true, JSON.stringify(stored.Errors(view)));
  const minimal = resolveView(
    { ...MINIMAL, features: [{ name: 'n', agg: 'count', events: 3 }] } as FeatureViewSpec,
    2,
    new Date(0),
  );
  assert.equal(stored.Check(minimal), true);
  assert.equal(stored.Check(SENSOR_STATS_VIEW), false);
  assert.equal(stored.Check({ ...view, version: 0 }), false);
  assert.equal(stored.Check(withValue(view, ['source', 'startPosition'], undefined)), false);
  assert.equal(
    stored.Check(withValue(view, ['sinks', 'sagemaker', 'eventTimeFeatureName'], undefined)),
    false,
  );
});

test('Fastify rejects unknown properties with TypeBox validation or ajv without removeAdditional', async (t) => {
  // Fastify's default ajv options remove additional properties silently; the HTTP layer must opt out.
  const body = { ...MINIMAL, features: [{ name: 'n', agg: 'count', events: 1 }], extra: true };
  for (const app of [
    Fastify({ ajv: { customOptions: { removeAdditional: false } } }),
    Fastify().setValidatorCompiler(TypeBoxValidatorCompiler),
  ]) {
    t.after(() => app.close());
    app.addSchema(FeatureViewSpecSchema);
    app.addSchema(FeatureViewSchema);
    // Inline (not `$ref`): TypeBoxValidatorCompiler compiles each route schema on its own.
    app.post('/v', { schema: { body: FeatureViewSpecSchema } }, async () => ({ ok: true }));
    const bad = await app.inject({ method: 'POST', url: '/v', payload: body });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /additional properties/);
    const good = await app.inject({ method: 'POST', url: '/v', payload: { ...body, extra: undefined } });
    assert.equal(good.statusCode, 200, good.body);
  }
});
