/**
 * An entity's tiles (one Float64Array, core/tiles.ts) as the bytes of a MessagePack array of numbers, written from
 * and read into the typed array directly. Each number takes the smallest MessagePack form that holds it exactly:
 * an integer in [-2^31, 2^32) is a fixint or an int/uint of 2 to 5 bytes (tile counts, zeros, tile indexes),
 * anything else a float64 of 9 bytes (-0 too, so it stays -0). That is the size msgpackr gives a plain array of
 * the same numbers, at a fraction of the time: no copy into a JS array first, no generic type dispatch, and no
 * `Array.prototype.flat` on the way back.
 *
 * Contract: `decodeTiles(encodeTiles(t))` has the same numbers as `t` (-0 stays -0; tiles hold no NaN); the bytes are a valid
 * MessagePack array any MessagePack reader decodes to those numbers; `decodeTiles` refuses anything but a whole
 * MessagePack array of numbers (in any of MessagePack's number forms).
 */

let scratch = new DataView(new ArrayBuffer(64 * 1024));

/**
 * The encoded bytes: a view of a buffer that the next call overwrites (the caller packs them into the entity's
 * encoding at once).
 */
export function encodeTiles(tiles: Float64Array): Uint8Array {
  const n = tiles.length;
  const worst = 5 + 9 * n;
  if (scratch.byteLength < worst)
    scratch = new DataView(new ArrayBuffer(Math.max(worst, 2 * scratch.byteLength)));
  const out = scratch;
  let at: number;
  if (n < 16) {
    out.setUint8(0, 0x90 | n);
    at = 1;
  } else if (n < 0x10000) {
    out.setUint8(0, 0xdc);
    out.setUint16(1, n);
    at = 3;
  } else {
    out.setUint8(0, 0xdd);
    out.setUint32(1, n);
    at = 5;
  }
  for (let i = 0; i < n; i++) {
    const x = tiles[i]!;
    if (x >= 0 && x < 0x1_0000_0000 && Number.isInteger(x) && !Object.is(x, -0)) {
      if (x < 0x80) out.setUint8(at++, x);
      else if (x < 0x100) {
        out.setUint8(at, 0xcc);
        out.setUint8(at + 1, x);
        at += 2;
      } else if (x < 0x10000) {
        out.setUint8(at, 0xcd);
        out.setUint16(at + 1, x);
        at += 3;
      } else {
        out.setUint8(at, 0xce);
        out.setUint32(at + 1, x);
        at += 5;
      }
    } else if (x < 0 && x >= -0x8000_0000 && Number.isInteger(x)) {
      if (x >= -32) out.setInt8(at++, x);
      else if (x >= -0x80) {
        out.setUint8(at, 0xd0);
        out.setInt8(at + 1, x);
        at += 2;
      } else if (x >= -0x8000) {
        out.setUint8(at, 0xd1);
        out.setInt16(at + 1, x);
        at += 3;
      } else {
        out.setUint8(at, 0xd2);
        out.setInt32(at + 1, x);
        at += 5;
      }
    } else {
      out.setUint8(at, 0xcb);
      out.setFloat64(at + 1, x);
      at += 9;
    }
  }
  return new Uint8Array(out.buffer, 0, at);
}

/** MessagePack's number forms after their type byte (fixints aside): payload size and reader (big-endian). */
const NUMBER_FORMS = new Map<number, { size: number; read: (v: DataView, at: number) => number }>([
  [0xca, { size: 4, read: (v, at) => v.getFloat32(at) }],
  [0xcb, { size: 8, read: (v, at) => v.getFloat64(at) }],
  [0xcc, { size: 1, read: (v, at) => v.getUint8(at) }],
  [0xcd, { size: 2, read: (v, at) => v.getUint16(at) }],
  [0xce, { size: 4, read: (v, at) => v.getUint32(at) }],
  [0xcf, { size: 8, read: (v, at) => Number(v.getBigUint64(at)) }],
  [0xd0, { size: 1, read: (v, at) => v.getInt8(at) }],
  [0xd1, { size: 2, read: (v, at) => v.getInt16(at) }],
  [0xd2, { size: 4, read: (v, at) => v.getInt32(at) }],
  [0xd3, { size: 8, read: (v, at) => Number(v.getBigInt64(at)) }],
]);

export function decodeTiles(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  const need = (at: number, size: number) => {
    if (at + size > end) throw new Error('tiles: the MessagePack array ends early');
  };
  need(0, 1);
  const head = view.getUint8(0);
  let n: number;
  let at: number;
  if ((head & 0xf0) === 0x90) {
    n = head & 0x0f;
    at = 1;
  } else if (head === 0xdc) {
    need(1, 2);
    n = view.getUint16(1);
    at = 3;
  } else if (head === 0xdd) {
    need(1, 4);
    n = view.getUint32(1);
    at = 5;
  } else throw new Error(`tiles: a MessagePack array was expected, found type byte 0x${head.toString(16)}`);
  if (n > end - at) throw new Error('tiles: the MessagePack array ends early');
  const tiles = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    need(at, 1);
    const type = view.getUint8(at);
    if (type < 0x80) {
      tiles[i] = type;
      at += 1;
    } else if (type >= 0xe0) {
      tiles[i] = type - 0x100;
      at += 1;
    } else {
      const form = NUMBER_FORMS.get(type);
      if (!form)
        throw new Error(`tiles: number ${i} has MessagePack type byte 0x${type.toString(16)}, not a number`);
      need(at + 1, form.size);
      tiles[i] = form.read(view, at + 1);
      at += 1 + form.size;
    }
  }
  if (at !== end) throw new Error(`tiles: ${end - at} bytes after the MessagePack array`);
  return tiles;
}
