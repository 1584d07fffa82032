/**
 * The tiles' encoding (adapters/redis/tile-codec.ts), checked against msgpackr as the oracle: every array of
 * numbers comes back the same (-0 included), its bytes are what a MessagePack reader decodes to the same numbers,
 * no longer than msgpackr's own encoding of them (but for -0, which msgpackr writes as 0), and anything msgpackr writes for an array of numbers reads back;
 * damaged bytes are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { decodeTiles, encodeTiles } from '../../src/adapters/redis/tile-codec.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

/** The kinds of numbers tiles hold: counts, zeros, tile indexes, epoch ms, sums, and every edge of the int forms. */
const tileNumber = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -(2 ** 31) - 2, max: 2 ** 32 + 2 }),
  fc.constantFrom(0, -0, 127, 128, 255, 256, 65_535, 65_536, -32, -33, -128, -129, -32_768, -32_769),
  fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
);
const tiles = fc.array(tileNumber, { maxLength: 70_000, size: 'small' }).map((xs) => Float64Array.from(xs));

test('tiles come back the same, as bytes any MessagePack reader reads, no longer than msgpackr writes', () => {
  fc.assert(
    fc.property(tiles, (t) => {
      const bytes = Buffer.from(encodeTiles(t)); // a copy: the encoder's buffer is reused
      assert.deepEqual([...decodeTiles(bytes)], [...t]); // deepStrictEqual tells -0 from 0
      assert.deepEqual(packr.unpack(bytes), [...t]);
      // msgpackr writes -0 as the integer 0 (1 byte, and the sign is lost); here it is a float64 (9 bytes).
      const negativeZeros = t.filter((x) => Object.is(x, -0)).length;
      assert.ok(
        bytes.length <= packr.pack([...t]).length + 8 * negativeZeros,
        `${bytes.length} > msgpackr's`,
      );
    }),
  );
});

test('array headers of every size: fixarray, array16, array32', () => {
  for (const n of [0, 15, 16, 65_535, 65_536]) {
    const t = Float64Array.from({ length: n }, (_, i) => i % 300);
    const bytes = encodeTiles(t);
    assert.equal(bytes[0], n < 16 ? 0x90 | n : n < 65_536 ? 0xdc : 0xdd);
    assert.deepEqual(decodeTiles(bytes), t);
  }
});

test('numbers in any MessagePack form read back: float32, 64-bit integers', () => {
  const forms = new Packr({ useFloat32: 1, int64AsType: 'number', useRecords: false });
  const xs = [0.5, -1.25, 3, 2 ** 40, -(2 ** 40), 1795700000000];
  assert.deepEqual([...decodeTiles(forms.pack(xs))], xs);
  // uint64 (0xcf) and int64 (0xd3) written by hand, big-endian.
  const wide = Buffer.from([0x92, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0, 0xd3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  assert.deepEqual([...decodeTiles(wide)], [2 ** 32, -(2 ** 32)]);
});

test('damaged tiles are refused', () => {
  const good = Buffer.from(encodeTiles(Float64Array.from([1, 2.5, 300, -7])));
  const cases: [string, Uint8Array, RegExp][] = [
    ['cut short', good.subarray(0, good.length - 3), /ends early/],
    ['bytes after it', Buffer.concat([good, Buffer.from([0])]), /bytes after/],
    ['not an array', packr.pack({ t: 1 }), /array was expected/],
    ['a string in it', packr.pack([1, 'x']), /not a number/],
    ['a count larger than the bytes', Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 1]), /ends early/],
    ['empty', new Uint8Array(0), /ends early/],
  ];
  for (const [what, bytes, reason] of cases) assert.throws(() => decodeTiles(bytes), reason, what);
});
