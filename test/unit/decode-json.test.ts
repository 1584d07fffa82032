/**
 * A page's payloads decoded at once (decodeJsonSlices) give, payload by payload, exactly what decoding each one
 * alone gives (decodeJsonBytes): for ASCII pages, for pages with multi-byte characters (some cut between two
 * payloads), byte-order marks, invalid UTF-8, empty payloads and invalid JSON.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeJsonBytes, decodeJsonSlices } from '../../src/core/decode-json.js';

const encoder = new TextEncoder();
const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null');
const payload = fc.oneof(
  json.map((text) => encoder.encode(text)), // ASCII or UTF-8 JSON (fast-check strings include non-ASCII)
  json.map((text) => encoder.encode(`\uFEFF${text}`)), // a leading byte-order mark
  fc.constantFrom('{"s":"é€😀"}', '"ü"', '[1,2', '', ' ').map((text) => encoder.encode(text)),
  fc.uint8Array({ maxLength: 12 }), // arbitrary bytes: invalid UTF-8, stray continuation bytes
);

/** Payloads, plus cuts that move a page's boundaries into the middle of characters. */
const page = fc.tuple(
  fc.array(payload, { maxLength: 12 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 12 }),
);

test('decodeJsonSlices equals decodeJsonBytes on every payload of a page', () => {
  fc.assert(
    fc.property(page, ([payloads, shifts]) => {
      const bytes = Buffer.concat(payloads);
      // Re-cut the same bytes with boundaries shifted (a payload may then start or end inside a character).
      const sizes = payloads.map((p) => p.length);
      for (let i = 0; i + 1 < sizes.length && i < shifts.length; i++) {
        const move = Math.max(-sizes[i]!, Math.min(sizes[i + 1]!, shifts[i]!));
        sizes[i]! += move;
        sizes[i + 1]! -= move;
      }
      const slices: Uint8Array[] = [];
      let at = 0;
      for (const size of sizes) {
        slices.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(
        decodeJsonSlices(bytes, sizes),
        slices.map((s) => decodeJsonBytes(s)),
      );
    }),
    { numRuns: 500 },
  );
});

test('a page of ASCII sensor readings and one with a character cut in two', () => {
  const readings = ['{"sensor_id":"s-1","temperature":21.5}', '{"sensor_id":"s-2","temperature":19}'];
  const ascii = Buffer.from(readings.join(''));
  assert.deepEqual(
    decodeJsonSlices(
      ascii,
      readings.map((r) => r.length),
    ),
    readings.map((r) => ({ ok: true, value: JSON.parse(r) })),
  );
  const euro = Buffer.from('"€""€"'); // "€" is 5 bytes: 22 e2 82 ac 22
  const [first, second] = decodeJsonSlices(euro, [3, 7]);
  assert.equal(first!.ok, false);
  assert.equal(second!.ok, false);
  assert.deepEqual(decodeJsonSlices(euro, [5, 5]), [
    { ok: true, value: '€' },
    { ok: true, value: '€' },
  ]);
});
