import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chooseStart,
  isLatest,
  needOf,
  seqBefore,
  startTimeOf,
  TRIM_START,
  wantsRecord,
} from '../../src/core/kinesis/start-position.js';

test('start time: only atTimestamp has one; LATEST (the default) depends on no clock', () => {
  assert.equal(startTimeOf(undefined), null);
  assert.equal(startTimeOf('TRIM_HORIZON'), null);
  assert.equal(startTimeOf('LATEST'), null);
  assert.equal(startTimeOf({ atTimestamp: '2024-01-01T00:00:01Z' }), Date.parse('2024-01-01T00:00:01Z'));
  assert.equal(isLatest(undefined), true);
  assert.equal(isLatest('LATEST'), true);
  assert.equal(isLatest('TRIM_HORIZON'), false);
});

test('LATEST need: the mark, else the recorded shard start, else the tip', () => {
  assert.deepEqual(needOf(null, '99', '50'), { kind: 'after', seq: '99' });
  assert.deepEqual(needOf(null, '', '50'), { kind: 'after', seq: '50' });
  assert.deepEqual(needOf(null, '', TRIM_START), { kind: 'trim' });
  assert.deepEqual(needOf(null, '', null), { kind: 'tip' });
  assert.equal(seqBefore('100000000000000000000000'), '99999999999999999999999');
  // Records after the shard start count, the start's own record and those before do not.
  assert.equal(wantsRecord(null, '', '51', 0, '50'), true);
  assert.equal(wantsRecord(null, '', '50', 0, '50'), false);
  assert.equal(wantsRecord(null, '', '1', 0, TRIM_START), true);
});

test('chooseStart: only tip needs take a LATEST iterator; with other needs those decide', () => {
  assert.deepEqual(chooseStart([{ kind: 'tip' }, { kind: 'tip' }], null), { type: 'LATEST' });
  assert.deepEqual(chooseStart([{ kind: 'tip' }, { kind: 'after', seq: '7' }], null), {
    type: 'AFTER_SEQUENCE_NUMBER',
    seq: '7',
  });
  assert.deepEqual(chooseStart([{ kind: 'tip' }, { kind: 'trim' }], null), { type: 'TRIM_HORIZON' });
});

test('need: the mark when there is one, else the start position', () => {
  assert.deepEqual(needOf(null, ''), { kind: 'trim' });
  assert.deepEqual(needOf(7, ''), { kind: 'at', ms: 7 });
  assert.deepEqual(needOf(7, '99'), { kind: 'after', seq: '99' });
});

test('wantsRecord: after the mark (as big integers) and not before the start time', () => {
  assert.equal(wantsRecord(null, '', '1', 0), true);
  assert.equal(wantsRecord(null, '99', '100', 0), true);
  assert.equal(wantsRecord(null, '100', '99', 0), false);
  assert.equal(wantsRecord(null, '100', '100', 0), false);
  // 21 digits: Number would round these to the same value.
  assert.equal(wantsRecord(null, '100000000000000000001', '100000000000000000002', 0), true);
  assert.equal(wantsRecord(1000, '', '5', 999), false);
  assert.equal(wantsRecord(1000, '', '5', 1000), true);
});

test('chooseStart: any TRIM_HORIZON need wins; no needs start at the trim horizon', () => {
  assert.deepEqual(chooseStart([], null), { type: 'TRIM_HORIZON' });
  assert.deepEqual(chooseStart([{ kind: 'after', seq: '5' }, { kind: 'trim' }], null), {
    type: 'TRIM_HORIZON',
  });
});

test('chooseStart: only marks: after the smallest (big-integer order)', () => {
  assert.deepEqual(
    chooseStart(
      [
        { kind: 'after', seq: '100000000000000000000000' },
        { kind: 'after', seq: '99999999999999999999999' },
      ],
      null,
    ),
    { type: 'AFTER_SEQUENCE_NUMBER', seq: '99999999999999999999999' },
  );
});

test('chooseStart: only times: the earliest', () => {
  assert.deepEqual(
    chooseStart(
      [
        { kind: 'at', ms: 50 },
        { kind: 'at', ms: 20 },
      ],
      null,
    ),
    { type: 'AT_TIMESTAMP', ms: 20 },
  );
});

test('chooseStart: marks and times are ordered through the checkpoint, else from the trim horizon', () => {
  const needs = [
    { kind: 'after', seq: '500' },
    { kind: 'at', ms: 3000 },
  ] as const;
  // Mark at/after the checkpoint: start at the earlier of the time and the checkpoint's arrival.
  assert.deepEqual(chooseStart(needs, { seq: '400', arrivalMs: 2000 }), { type: 'AT_TIMESTAMP', ms: 2000 });
  assert.deepEqual(chooseStart(needs, { seq: '500', arrivalMs: 4000 }), { type: 'AT_TIMESTAMP', ms: 3000 });
  // Mark before the checkpoint, time after the checkpoint's arrival: after the mark.
  assert.deepEqual(chooseStart(needs, { seq: '600', arrivalMs: 2500 }), {
    type: 'AFTER_SEQUENCE_NUMBER',
    seq: '500',
  });
  // Mark before the checkpoint and time not after it: cannot order them, read everything.
  assert.deepEqual(chooseStart(needs, { seq: '600', arrivalMs: 3000 }), { type: 'TRIM_HORIZON' });
  assert.deepEqual(chooseStart(needs, null), { type: 'TRIM_HORIZON' });
});
