/**
 * Binary encoding of stored entity state (MessagePack; numbers stay IEEE doubles, integers stay exact). The
 * tiles (one Float64Array in memory, core/tiles.ts) are written by tile-codec.ts as a MessagePack array of
 * numbers, carried as one MessagePack bin: small integers and zeros take one byte where the typed array's raw
 * bytes would take eight (for the benchmark's view that is 29 KB against 41 KB an entity), at the cost of a
 * memory copy rather than of an array of numbers built and packed one by one.
 *
 * States written by earlier versions read as well: tiles as a plain MessagePack array of numbers, or as an
 * array per tile (nested arrays).
 */
import { Packr } from 'msgpackr';
import type { StoredEntity } from '../../core/entity-batch.js';
import { decodeTiles, encodeTiles } from './tile-codec.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });
// msgpackr packs into one buffer after another and returns views of them; when one is full it allocates the
// next at the same size. Its default (8 KiB) holds a few entity states, so a worker writing thousands of states
// allocated thousands of buffers; from 1 MiB on it allocates one per few hundred. A state's encoding is copied
// into its Redis command and then dropped, so no buffer outlives the writes packed into it by much.
packr.useBuffer(Buffer.allocUnsafeSlow(1024 * 1024));

export const encodeEntity = (stored: StoredEntity): Buffer =>
  packr.pack({ ...stored, s: { ...stored.s, t: encodeTiles(stored.s.t) } });

export function decodeEntity(bytes: Buffer): StoredEntity {
  const stored = packr.unpack(bytes) as StoredEntity;
  const tiles = stored.s.t as unknown as Uint8Array | number[] | number[][];
  if (tiles instanceof Uint8Array) stored.s.t = decodeTiles(tiles);
  // Earlier encodings. `flat` only where needed: on a flat array of numbers it costs ~40× the copy.
  else if (Array.isArray(tiles[0])) stored.s.t = new Float64Array((tiles as number[][]).flat());
  else stored.s.t = new Float64Array(tiles as number[]);
  return stored;
}
