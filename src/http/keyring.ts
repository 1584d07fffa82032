/**
 * API keys (EDDY_API_KEYS) and how a presented key is matched: SHA-256 digests of fixed length compared with
 * `crypto.timingSafeEqual` against every configured key, without an early exit, so the time taken does not
 * depend on how much of a key was right. Keys themselves are kept only as digests and never logged; a
 * principal is named by its position in EDDY_API_KEYS (`key-1`, `key-2`, ...).
 *
 * Scopes: `admin` (manage views, dead letters, the queue dashboard), `write` (push records), `read` (online
 * reads, view definitions, status). `admin` includes `read` and `write`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../config.js';

export type Scope = 'admin' | 'write' | 'read';

export interface Principal {
  /** Stable, non-secret name of the key: `key-<n>`, its 1-based position in EDDY_API_KEYS. */
  id: string;
  scopes: ReadonlySet<Scope>;
}

export interface Keyring {
  /** No keys configured: every route is open. */
  readonly open: boolean;
  /** The principal a presented key belongs to, or null. */
  identify(presented: string): Principal | null;
}

/** Longest key considered (longer ones are unknown without being hashed). */
const MAX_KEY_LENGTH = 1024;

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

export function keyring(keys: readonly ApiKey[]): Keyring {
  const entries = keys.map((k, i) => ({ id: `key-${i + 1}`, digest: digest(k.key), scopes: k.scopes }));
  return {
    open: entries.length === 0,
    identify(presented) {
      if (presented.length === 0 || presented.length > MAX_KEY_LENGTH) return null;
      const d = digest(presented);
      let id: string | null = null;
      const scopes = new Set<Scope>();
      for (const e of entries) {
        if (timingSafeEqual(d, e.digest)) {
          id ??= e.id;
          for (const s of e.scopes) scopes.add(s);
        }
      }
      return id === null ? null : { id, scopes };
    },
  };
}

/** Whether a principal's scopes grant `required` (`admin` grants everything). */
export const grants = (scopes: ReadonlySet<Scope>, required: Scope) =>
  scopes.has(required) || scopes.has('admin');

/**
 * The key in an `Authorization` header: `Bearer <key>`, or HTTP Basic with the key as the password (so a browser
 * can open the queue dashboard). Null when absent or malformed.
 */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer +([^\s]+) *$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
  }
  return null;
}
