/**
 * Tiles: one intermediate per granularity-sized slice of event time (Chronon/Feast tiling). A tile serves every
 * time window over every field, so a window of W ms as of T is the merge of tiles (tile(T) - W/g, tile(T)].
 *
 * An entity's tiles sit back to back in one Float64Array (`EntityState.t`), `stride` numbers each
 * (`tileStride(fieldCount)`), sorted by ascending index, without duplicates. A tile at offset o:
 *   [o+0] index   tile index = floor(t / g) of its events (t epoch ms UTC; negative t floors downward)
 *   [o+1] n       accepted records in the tile (the field-less `count`)
 *   then, per field i of the view (CompiledView.fields order), FIELD_SLOT numbers at o + fieldOffset(i):
 *     moments (MOMENTS_SIZE, see moments.ts) followed by last (LAST_SIZE, see last-value.ts).
 *   A field with moment count 0 has no values in the tile; its other numbers are 0.
 *
 * Why one typed array and not an array per tile: an entity keeps hundreds of tiles (a 1-hour window of 10-second
 * tiles is 360), and a worker keeps thousands of entities in its write-through cache. As arrays they were
 * hundreds of thousands of small objects that every garbage collection copied or marked; as one typed array per
 * entity they are one object, their numbers outside the JS heap, and they encode as one memory copy.
 *
 * The array is exactly the tiles: a view whose buffer may have room after it (so appending a tile is usually
 * no copy) and, after a prune, before it. Functions that add tiles may replace the array: they take and update
 * the holder (`TileHolder`), never a copy of `tiles`.
 */
import { LAST_SIZE, updateLast } from './last-value.js';
import { MOMENTS_SIZE, updateMoments } from './moments.js';

export const FIELD_SLOT = MOMENTS_SIZE + LAST_SIZE;
const HEADER = 2;

/** The owner of a tile array (an entity state). */
export interface TileHolder {
  tiles: Float64Array;
}

export const tileOf = (t: number, granularityMs: number): number => Math.floor(t / granularityMs);

/** Numbers per tile for a view with `fieldCount` fields. */
export const tileStride = (fieldCount: number): number => HEADER + fieldCount * FIELD_SLOT;

/** Offset of field i's moments within a tile; its last follows at + MOMENTS_SIZE. */
export const fieldOffset = (i: number): number => HEADER + i * FIELD_SLOT;

export const emptyTiles = (): Float64Array => new Float64Array(0);

/** Position (in tiles) of the first tile whose index is >= idx (the tile count when none). */
export function lowerBound(tiles: Float64Array, stride: number, idx: number): number {
  let lo = 0;
  let hi = tiles.length / stride;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tiles[mid * stride]! < idx) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Offset in `holder.t` of the tile with index idx, inserted in order (zeroed) when absent; `holder.t` may be
 * replaced. In-order streams hit or append after the last tile: O(1) amortized.
 */
export function tileAt(holder: TileHolder, idx: number, stride: number): number {
  const tiles = holder.tiles;
  const count = tiles.length / stride;
  const lastIdx = count > 0 ? tiles[(count - 1) * stride]! : Number.NEGATIVE_INFINITY;
  if (lastIdx === idx) return (count - 1) * stride;
  const pos = lastIdx < idx ? count : lowerBound(tiles, stride, idx);
  if (pos < count && tiles[pos * stride] === idx) return pos * stride;
  const grown = withOneMoreTile(tiles, stride);
  const at = pos * stride;
  if (pos < count) grown.copyWithin(at + stride, at, count * stride);
  grown.fill(0, at, at + stride);
  grown[at] = idx;
  holder.tiles = grown;
  return at;
}

/** The tiles with room for one more at the end: the same buffer when it has room after the view, else a copy. */
function withOneMoreTile(tiles: Float64Array, stride: number): Float64Array {
  const length = tiles.length + stride;
  if (roomAfter(tiles) >= stride) return new Float64Array(tiles.buffer, tiles.byteOffset, length);
  // Double the room (at least 8 tiles), so n appends copy O(n) numbers in all.
  return copyWithRoom(tiles, Math.max(2 * length, 8 * stride), length);
}

/** Numbers that fit in the buffer after the view. */
const roomAfter = (tiles: Float64Array): number =>
  tiles.buffer.byteLength / Float64Array.BYTES_PER_ELEMENT -
  tiles.byteOffset / Float64Array.BYTES_PER_ELEMENT -
  tiles.length;

/** `tiles` copied to the start of a new buffer of `capacity` numbers, as a view of `length` numbers. */
function copyWithRoom(tiles: Float64Array, capacity: number, length: number): Float64Array {
  const grown = new Float64Array(new ArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT), 0, length);
  grown.set(tiles);
  return grown;
}

/**
 * Makes room after the tiles for `more` tiles in one allocation (at least doubling, as appends do), so a batch
 * that adds several tiles to an entity copies and allocates once rather than at every doubling (the allocations
 * are what costs: each array buffer is native memory the collector tracks, often fresh pages). Leaves
 * `holder.t`'s numbers as they are; only its buffer may change.
 */
export function reserveTiles(holder: TileHolder, stride: number, more: number): void {
  const tiles = holder.tiles;
  if (more <= 0 || roomAfter(tiles) >= more * stride) return;
  holder.tiles = copyWithRoom(tiles, Math.max(tiles.length + more * stride, 2 * tiles.length), tiles.length);
}

/** Adds one record to the tile at offset o: `values[i]` is field i's value, or undefined when the record lacks it. */
export function addToTile(
  tiles: Float64Array,
  o: number,
  values: readonly (number | undefined)[],
  t: number,
  arrival: number,
): void {
  tiles[o + 1]! += 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const f = o + fieldOffset(i);
    const had = tiles[f]! > 0;
    updateMoments(tiles, f, v);
    updateLast(tiles, f + MOMENTS_SIZE, had, t, arrival, v);
  }
}

/** What most prunes return, shared: a typed array allocated per call cost more than applying a small batch. */
const NOTHING_PRUNED = new Float64Array(0);

/**
 * Removes the tiles with index <= floorIdx (a prefix: no copy, the view moves forward) and returns them as a
 * view of the same buffer; nothing writes there again (appends and moves stay inside or after the new view).
 */
export function pruneTiles(holder: TileHolder, stride: number, floorIdx: number): Float64Array {
  const tiles = holder.tiles;
  const cut = lowerBound(tiles, stride, floorIdx + 1) * stride;
  if (cut === 0) return NOTHING_PRUNED;
  holder.tiles = tiles.subarray(cut);
  return tiles.subarray(0, cut);
}
