/** The event time of a producer record (src/core/record-event-time.ts); decode-record.test.ts covers the rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIsoInstant } from '../../src/core/record-event-time.js';

test('parseIsoInstant agrees with Date.parse on well-formed instants', () => {
  for (const text of [
    '2024-05-01T12:00:00.123Z',
    '1999-12-31T23:59:59.999-08:00',
    '2000-02-29T00:00:00+05:45',
    '1969-07-20T20:17:40Z',
  ]) {
    assert.equal(parseIsoInstant(text), Date.parse(text), text);
  }
});
