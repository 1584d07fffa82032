/**
 * HMAC-SHA256 with prepared pads against RFC 4231's published test vectors and against node's createHmac, for
 * keys shorter than, as long as and longer than a block, and messages of every size class (empty, multi-block,
 * non-ASCII, longer than the preallocated buffer).
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hmacKey, hmacSha256 } from '../../src/core/hmac-sha256.js';

test('RFC 4231 test cases 1, 2 and 6 (a key longer than a block)', () => {
  const cases: [Buffer, string, string][] = [
    [Buffer.alloc(20, 0x0b), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [
      Buffer.from('Jefe'),
      'what do ya want for nothing?',
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      Buffer.alloc(131, 0xaa),
      'Test Using Larger Than Block-Size Key - Hash Key First',
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
  ];
  for (const [key, message, mac] of cases) {
    assert.equal(hmacSha256(hmacKey(key), message).toString('hex'), mac);
  }
});

test('the same bytes as createHmac, one prepared key used for many messages', () => {
  const messages = ['', 'a', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(200), 'é ü 雪 🙂', '€'.repeat(5000)];
  for (const length of [1, 32, 64, 65, 200]) {
    const raw = randomBytes(length);
    const key = hmacKey(raw);
    for (const message of messages) {
      const expected = createHmac('sha256', raw).update(message, 'utf8').digest();
      assert.deepEqual(
        hmacSha256(key, message),
        expected,
        `key ${length} B, message ${message.length} chars`,
      );
    }
  }
});

test('each MAC is a buffer of its own (a later MAC does not change an earlier one)', () => {
  const key = hmacKey(Buffer.from('k'));
  const first = hmacSha256(key, 'one');
  const copy = Buffer.from(first);
  hmacSha256(key, 'two');
  assert.deepEqual(first, copy);
});
