/**
 * The `kinesis-batch` job's record columns: every page of records (any bytes, empty payloads, sequence numbers of
 * Kinesis' shape) comes back from the job's JSON in order and byte for byte; a payload whose columns disagree is
 * refused instead of being applied with records shifted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arrivalOf, firstSeq, lastSeq } from '../../src/adapters/kinesis/record-columns.js';
import {
  decodeWireRecords,
  encodeWireRecords,
  withoutRecords,
} from '../../src/adapters/queue/kinesis-job-codec.js';
import { columnsOf } from '../helpers/record-rows.js';

const record = fc.record({
  seq: fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,128}$/)),
  arrivalMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  data: fc.uint8Array({ maxLength: 300 }),
});

test('a page as columns: first and last sequence number, arrival of a sequence number', () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), (records) => {
      const columns = columnsOf(records);
      assert.equal(columns.count, records.length);
      assert.equal(firstSeq(columns), records[0]!.seq);
      assert.equal(lastSeq(columns), records.at(-1)!.seq);
      const pick = records[records.length >> 1]!;
      assert.equal(arrivalOf(columns, pick.seq), records.find((r) => r.seq === pick.seq)!.arrivalMs);
      assert.equal(arrivalOf(columns, '9'.repeat(131)), undefined); // longer than any generated one
    }),
  );
});

test('records survive the job payload in order, byte for byte', () => {
  fc.assert(
    fc.property(fc.array(record, { maxLength: 60 }), (records) => {
      const wire = JSON.parse(JSON.stringify(encodeWireRecords(columnsOf(records))));
      const back = decodeWireRecords(wire);
      assert.equal(back.count, records.length);
      assert.deepEqual(
        back.seqs.split(',').slice(0, back.count),
        records.map((r) => r.seq),
      );
      assert.deepEqual(
        back.arrivals,
        records.map((r) => r.arrivalMs),
      );
      // Each record's bytes: its slice of the page's data, at the offset the sizes before it give.
      let at = 0;
      for (const [i, r] of records.entries()) {
        assert.equal(back.sizes[i], r.data.length);
        assert.deepEqual(new Uint8Array(back.data.subarray(at, at + r.data.length)), new Uint8Array(r.data));
        at += r.data.length;
      }
      assert.equal(back.data.length, at);
    }),
  );
});

test('a page of 10,000 sensor readings is a fraction of its base64-per-record size', () => {
  const encoder = new TextEncoder();
  const records = Array.from({ length: 10_000 }, (_, i) => ({
    seq: `4963${String(10n ** 50n + BigInt(i) * 7919n)}`,
    arrivalMs: 1_790_000_000_000 + i,
    data: encoder.encode(
      JSON.stringify({
        sensor_id: `sensor-${i % 500}`,
        ts: 1_790_000_000_000 + i * 10,
        temperature: 20 + (i % 97) / 10,
      }),
    ),
  }));
  const perRecord = JSON.stringify(
    records.map((r) => ({ s: r.seq, a: r.arrivalMs, d: Buffer.from(r.data).toString('base64') })),
  ).length;
  const columns = JSON.stringify(encodeWireRecords(columnsOf(records))).length;
  assert.ok(columns * 4 < perRecord, `columns ${columns} B against ${perRecord} B one object per record`);
  assert.equal(
    decodeWireRecords(JSON.parse(JSON.stringify(encodeWireRecords(columnsOf(records))))).count,
    10_000,
  );
});

test('columns that disagree are refused', () => {
  const wire = encodeWireRecords(
    columnsOf([
      { seq: '1', arrivalMs: 1, data: new Uint8Array([123, 125]) },
      { seq: '2', arrivalMs: 2, data: new Uint8Array([91, 93]) },
    ]),
  );
  assert.throws(() => decodeWireRecords({ ...wire, arrivals: [1] }), /differ in length/);
  assert.throws(() => decodeWireRecords({ ...wire, sizes: [2, 3] }), /record sizes|buffer/i);
  assert.throws(() => decodeWireRecords({ ...wire, sizes: [1, 1] }), /record sizes|buffer/i);
  assert.throws(() => decodeWireRecords({ ...wire, sizes: [-1, 5] }), /non-negative/);
  assert.throws(
    () =>
      decodeWireRecords({
        ...wire,
        seqs: encodeWireRecords(columnsOf([{ seq: '1', arrivalMs: 1, data: new Uint8Array() }])).seqs,
      }),
    /differ in length/,
  );
});

test('a job without its records (once applied) names the same batch and reads as a page of no records', () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (records) => {
      const data = {
        stream: 's',
        shardId: 'shardId-000000000000',
        batchEnd: records.at(-1)!.seq,
        views: ['v@1'],
        records: encodeWireRecords(columnsOf(records)),
      };
      const emptied = JSON.parse(JSON.stringify(withoutRecords(data)));
      assert.deepEqual({ ...emptied, records: data.records }, data);
      const back = decodeWireRecords(emptied.records);
      assert.equal(back.count, 0);
      assert.equal(back.data.length, 0);
      assert.ok(JSON.stringify(emptied).length < 200);
    }),
  );
});
