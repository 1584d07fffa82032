/**
 * HMAC-SHA256 (RFC 2104) with a key prepared once: its inner and outer pads are kept, and each MAC is two one-shot
 * SHA-256 calls (`crypto.hash`) over preallocated bytes. Why: `createHmac` builds a key object and an HMAC context
 * for every MAC. A whole SigV4 check run once a millisecond (caches cold, as between requests at a moderate rate)
 * took 62–66 µs at p50 with it and 51–55 µs this way; back to back, 8.0–8.3 against 7.0–7.7 µs. The bytes are the
 * same (test/unit/hmac-sha256.test.ts checks them against `createHmac` and RFC 4231).
 */
import { hash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;

export interface HmacKey {
  /** The key xor 0x36, one block. */
  readonly innerPad: Buffer;
  /** The key xor 0x5c, one block, then room for the inner digest (rewritten by every MAC). */
  readonly outer: Buffer;
}

/** Prepares `key` (a key longer than a block is hashed first, as the RFC says). */
export function hmacKey(key: Uint8Array): HmacKey {
  const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
  const innerPad = Buffer.alloc(BLOCK);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  for (let i = 0; i < BLOCK; i++) {
    innerPad[i] = (k[i] ?? 0) ^ 0x36;
    outer[i] = (k[i] ?? 0) ^ 0x5c;
  }
  return { innerPad, outer };
}

/** Inner pad + message, written here when the message fits (every SigV4 string to sign does). */
const scratch = Buffer.alloc(BLOCK + 4096);

/** HMAC-SHA256 of `text` (UTF-8) under `key`. */
export function hmacSha256(key: HmacKey, text: string): Buffer {
  let message: Buffer;
  if (text.length * 3 <= scratch.length - BLOCK) {
    key.innerPad.copy(scratch, 0);
    message = scratch.subarray(0, BLOCK + scratch.write(text, BLOCK, 'utf8'));
  } else {
    message = Buffer.concat([key.innerPad, Buffer.from(text, 'utf8')]);
  }
  hash('sha256', message, 'buffer').copy(key.outer, BLOCK);
  return hash('sha256', key.outer, 'buffer');
}
