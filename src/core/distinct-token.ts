/**
 * Strings as values of `approx_count_distinct`: a string becomes a token, a finite double no number a record may
 * carry can equal (records carry at most ±1e100, decode-record.ts; tokens are (2^52 + h)·2^400 ≈ 1e136 for a
 * 52-bit hash h of the string's UTF-16 code units). So the engine, its tiles, the push jobs and the count windows
 * carry strings as numbers unchanged, and a string and a number are never the same distinct value. Two strings
 * share a token only on a 52-bit hash collision: ~1e-4 for a million distinct strings, far below the sketch's error.
 */
const SCALE = 2 ** 400;
const HIGH = 2 ** 52;

export function distinctToken(s: string): number {
  // Two 32-bit FNV-1a style passes with different seeds, finished with murmur3's mixer.
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = mix(a ^ s.length);
  b = mix(b ^ a);
  return (HIGH + (a & 0xfffff) * 2 ** 32 + (b >>> 0)) * SCALE;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
