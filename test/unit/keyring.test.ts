import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseApiKeys } from '../../src/config.js';
import { grants, keyring, presentedKey } from '../../src/http/keyring.js';

const ring = keyring(parseApiKeys('admin:admin-key-1,read+write:app-key-22,read:reader-key-333'));

test('a configured key is identified by its position, with its scopes; others are unknown', () => {
  assert.deepEqual(ring.identify('app-key-22'), { id: 'key-2', scopes: new Set(['read', 'write']) });
  assert.equal(ring.identify('admin-key-1')!.id, 'key-1');
  for (const wrong of ['app-key-2', 'app-key-222', 'APP-KEY-22', '', 'x'.repeat(5000), 'app-key-22 ']) {
    assert.equal(ring.identify(wrong), null, JSON.stringify(wrong.slice(0, 20)));
  }
  assert.equal(ring.open, false);
  assert.equal(keyring([]).open, true);
});

test('the same key listed twice gets the union of its scopes', () => {
  const twice = keyring(parseApiKeys('read:same-key-00,write:same-key-00'));
  assert.deepEqual(twice.identify('same-key-00'), { id: 'key-1', scopes: new Set(['read', 'write']) });
});

test('admin grants every scope; read and write are separate', () => {
  assert.ok(grants(new Set(['admin']), 'read'));
  assert.ok(grants(new Set(['admin']), 'write'));
  assert.ok(grants(new Set(['read']), 'read'));
  assert.ok(!grants(new Set(['read']), 'write'));
  assert.ok(!grants(new Set(['write']), 'read'));
  assert.ok(!grants(new Set(['read', 'write']), 'admin'));
});

test('the key is taken from Bearer, or from Basic as the password', () => {
  assert.equal(presentedKey('Bearer abc.def-123'), 'abc.def-123');
  assert.equal(presentedKey('bearer   abc'), 'abc');
  assert.equal(presentedKey(`Basic ${Buffer.from('ops:the-key').toString('base64')}`), 'the-key');
  assert.equal(
    presentedKey(`Basic ${Buffer.from(':the-key:with:colons').toString('base64')}`),
    'the-key:with:colons',
  );
  for (const bad of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Token abc',
    'Bearer a b',
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
  ]) {
    assert.equal(presentedKey(bad), null, String(bad));
  }
});
