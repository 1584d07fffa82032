/**
 * The hand-written JSON of online reads equals JSON.stringify of the same results, for generated entity ids
 * (quotes, backslashes, control and non-ASCII characters), statuses, event times and values (finite numbers,
 * negative zero, null); a values object's JSON is reused while the object is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { entityResultJson, onlineFeaturesJson } from '../../src/http/feature-json.js';
import type { EntityResult } from '../../src/services/read-features.js';

const result: fc.Arbitrary<EntityResult> = fc.record({
  entity: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  status: fc.constantFrom('PRESENT' as const, 'NOT_FOUND' as const),
  eventTime: fc.option(
    fc
      .date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  values: fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
    fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
    { maxKeys: 12 },
  ),
});

test('entityResultJson and onlineFeaturesJson are JSON.stringify of their input', () => {
  fc.assert(
    fc.property(result, (r) => {
      assert.equal(entityResultJson(r), JSON.stringify(r));
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(
      fc.stringMatching(/^[a-z][a-z0-9_]{0,30}$/),
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.array(result, { maxLength: 20 }),
      (featureView, version, results) => {
        const out = { featureView, version, results };
        assert.equal(onlineFeaturesJson(out), JSON.stringify(out));
      },
    ),
    { numRuns: 300 },
  );
});

test('the same values object gives the same values JSON for another entity; another object gives its own', () => {
  const values = { temp_avg: 21.5, temp_last: null };
  const first = entityResultJson({ entity: 'a', status: 'PRESENT', eventTime: null, values });
  assert.equal(
    first,
    '{"entity":"a","status":"PRESENT","eventTime":null,"values":{"temp_avg":21.5,"temp_last":null}}',
  );
  const other = entityResultJson({
    entity: 'b',
    status: 'PRESENT',
    eventTime: null,
    values: { temp_avg: 3 },
  });
  assert.equal(other, '{"entity":"b","status":"PRESENT","eventTime":null,"values":{"temp_avg":3}}');
  assert.equal(
    entityResultJson({ entity: 'c', status: 'PRESENT', eventTime: null, values }),
    first.replace('"a"', '"c"'),
  );
});
