import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firehoseRecords } from '../../src/core/firehose-records.js';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

test('one JSON value per record, or one per non-blank line, flattened in delivery order', () => {
  const out = firehoseRecords([
    b64('{"a":1}'),
    b64('{\n  "a": 2\n}\n'),
    b64('{"a":3}\r\n\r\n{"a":4}\n   \n{"a":5}'),
    b64('\uFEFF{"a":6}'),
    b64(''),
    b64('7'),
  ]);
  assert.deepEqual(out.records, [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }, { a: 5 }, { a: 6 }, 7]);
  assert.equal(out.rejected.size, 0);
});

test('undecodable data is rejected in place, with what its dead letter keeps', () => {
  const notUtf8 = b64(Buffer.from([0x7b, 0xff, 0x7d]));
  const out = firehoseRecords([b64('{"a":1}\nnope\n{"a":2}'), 'not base64!', notUtf8, b64('{"a":3}')]);
  assert.deepEqual(out.records, [{ a: 1 }, 'nope', { a: 2 }, 'not base64!', notUtf8, { a: 3 }]);
  assert.deepEqual(
    [...out.rejected].map(([i, r]) => [i, r.code]),
    [
      [1, 'INVALID_JSON'],
      [3, 'INVALID_JSON'],
      [4, 'INVALID_UTF8'],
    ],
  );
});
