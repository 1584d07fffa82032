import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

test('parseDuration reads every unit in milliseconds', () => {
  assert.equal(parseDuration('1ms'), 1);
  assert.equal(parseDuration('1500ms'), 1500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('7d'), 604_800_000);
});

test('parseDuration rejects text outside the grammar', () => {
  for (const text of [
    '',
    '0s',
    '05m',
    '1.5s',
    '5 m',
    ' 5m',
    '5m ',
    '5M',
    '5',
    'ms',
    '1w',
    '-1s',
    '1h30m',
    '1e3ms',
  ]) {
    assert.equal(parseDuration(text), undefined, text);
  }
});

test('parseDuration rejects values that are not safe integers of ms', () => {
  // MAX_SAFE_INTEGER is 104249991.37… days.
  assert.equal(parseDuration('104249991d'), 104_249_991 * 86_400_000);
  assert.equal(parseDuration('104249992d'), undefined);
  assert.equal(parseDuration('99999999999999999999ms'), undefined);
});

test('formatDuration picks the largest unit that divides exactly', () => {
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(1500), '1500ms');
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(86_400_000), '1d');
  assert.equal(formatDuration(90_000_000), '25h');
  assert.equal(formatDuration(1), '1ms');
});

test('formatDuration refuses what is not a positive whole number of ms', () => {
  for (const ms of [0, -1000, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
    assert.throws(() => formatDuration(ms), RangeError, String(ms));
  }
});

test('formatDuration and parseDuration round-trip', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (ms) => {
      const text = formatDuration(ms);
      assert.equal(parseDuration(text), ms);
      // Shortest: no larger unit divides exactly.
      assert.match(text, /^[1-9][0-9]*(ms|s|m|h|d)$/);
    }),
  );
});
