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

/**
 * The stored form keeps one- and two-letter keys (they are in every entity's bytes); only this codec knows them.
 * `s` state: `w` watermark, `a` arrivals, `t` tiles, `c` count windows, `b` lifetime-last base, `d` event ids,
 * `dm` oldest id time, `k` tile sketches and `e` lifetime ew bases (both left out when empty, so views without
 * sketches or lifetime ew features store what they always stored); `m` source marks; `p` pending outcomes per source: `e` batch end, `o` counts.
 */
interface StoredForm {
  s: {
    w: number | null;
    a: number;
    t: unknown;
    c: number[][];
    b: number[][];
    d: Record<string, number>;
    dm: number | null;
    k?: number[][][];
    e?: number[][];
  };
  m: Record<string, string>;
  p: Record<string, { e: string; o: [number, number, number] }>;
}

export function encodeEntity(stored: StoredEntity): Buffer {
  const { state } = stored;
  const pending: StoredForm['p'] = {};
  for (const [source, outcome] of Object.entries(stored.pending))
    pending[source] = { e: outcome.batchEnd, o: outcome.counts };
  const form: StoredForm = {
    s: {
      w: state.watermark,
      a: state.arrivals,
      t: encodeTiles(state.tiles),
      c: state.countWindows,
      b: state.lastBase,
      d: state.ids,
      dm: state.oldestIdTime,
      ...(state.sketches.length > 0 && { k: state.sketches }),
      ...(state.ewBase.length > 0 && { e: state.ewBase }),
    },
    m: stored.marks,
    p: pending,
  };
  return packr.pack(form);
}

export function decodeEntity(bytes: Buffer): StoredEntity {
  const form = packr.unpack(bytes) as StoredForm;
  const pending: StoredEntity['pending'] = {};
  for (const [source, outcome] of Object.entries(form.p))
    pending[source] = { batchEnd: outcome.e, counts: outcome.o };
  const { s } = form;
  return {
    state: {
      watermark: s.w,
      arrivals: s.a,
      tiles: tilesOf(s.t as Uint8Array | number[] | number[][]),
      countWindows: s.c,
      lastBase: s.b,
      ids: s.d,
      oldestIdTime: s.dm,
      sketches: s.k ?? [],
      ewBase: s.e ?? [],
    },
    marks: form.m,
    pending,
  };
}

function tilesOf(tiles: Uint8Array | number[] | number[][]): Float64Array {
  if (tiles instanceof Uint8Array) return decodeTiles(tiles);
  // Earlier encodings. `flat` only where needed: on a flat array of numbers it costs ~40× the copy.
  if (Array.isArray(tiles[0])) return new Float64Array((tiles as number[][]).flat());
  return new Float64Array(tiles as number[]);
}
