/**
 * Tiles: one intermediate per granularity-sized slice of event time (Chronon/Feast tiling). A tile serves every
 * time window over every field, so a window of W ms as of T is the merge of tiles (tile(T) - W/g, tile(T)].
 *
 * A tile is a flat number array:
 *   [0] index     tile index = floor(t / g) of its events (t epoch ms UTC; negative t floors downward)
 *   [1] n         accepted records in the tile (the field-less `count`)
 *   then, per field i of the view (CompiledView.fields order), FIELD_SLOT numbers at fieldOffset(i):
 *     moments (MOMENTS_SIZE, see moments.ts) followed by last (LAST_SIZE, see last-value.ts).
 *   A field with moment count 0 has no values in the tile; its other numbers are 0.
 * Tiles are kept in an array sorted by ascending index, without duplicates.
 */
import { LAST_SIZE, updateLast } from './last-value.js';
import { MOMENTS_SIZE, updateMoments } from './moments.js';

export const FIELD_SLOT = MOMENTS_SIZE + LAST_SIZE;
const HEADER = 2;

export const tileOf = (t: number, granularityMs: number): number => Math.floor(t / granularityMs);

/** Offset of field i's moments in a tile; its last follows at + MOMENTS_SIZE. */
export const fieldOffset = (i: number): number => HEADER + i * FIELD_SLOT;

/** Position of the first tile whose index is >= idx (tiles.length when none). */
export function lowerBound(tiles: readonly number[][], idx: number): number {
  let lo = 0;
  let hi = tiles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tiles[mid]![0]! < idx) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tile with index idx, inserted in order when absent. In-order streams hit the last tile: O(1). */
export function tileAt(tiles: number[][], idx: number, fieldCount: number): number[] {
  const last = tiles[tiles.length - 1];
  if (last !== undefined && last[0] === idx) return last;
  const pos = last === undefined || last[0]! < idx ? tiles.length : lowerBound(tiles, idx);
  const found = tiles[pos];
  if (found !== undefined && found[0] === idx) return found;
  const tile = new Array<number>(HEADER + fieldCount * FIELD_SLOT).fill(0);
  tile[0] = idx;
  tiles.splice(pos, 0, tile);
  return tile;
}

/** Adds one record to a tile: `values[i]` is field i's value, or undefined when the record lacks it. */
export function addToTile(
  tile: number[],
  values: readonly (number | undefined)[],
  t: number,
  arrival: number,
): void {
  tile[1]! += 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const o = fieldOffset(i);
    const had = tile[o]! > 0;
    updateMoments(tile, o, v);
    updateLast(tile, o + MOMENTS_SIZE, had, t, arrival, v);
  }
}

/** Removes and returns the tiles with index <= floorIdx (a prefix, so O(removed) plus one move). */
export function pruneTiles(tiles: number[][], floorIdx: number): number[][] {
  const first = tiles[0];
  if (first === undefined || first[0]! > floorIdx) return [];
  return tiles.splice(0, lowerBound(tiles, floorIdx + 1));
}
