/**
 * Sketches beside the tiles: their size varies, so they cannot live in the fixed-stride tile array (tiles.ts).
 * `SketchTiles` is a list ascending by tile index, without duplicates; an entry is [[index], sketch 0, sketch 1,
 * …], sketch k being plan.sketches[k]'s plain-number form (quantile-sketch.ts, distinct-sketch.ts; [] when the
 * tile has no value for it). Only tiles that hold a sketch value have an entry; they are pruned with the tiles.
 */
export type SketchTiles = number[][][];

/** Position of the first entry whose tile index is >= idx (the length when none). */
export function sketchLowerBound(list: SketchTiles, idx: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]![0]![0]! < idx) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entry of tile idx, inserted in order (with `count` empty sketches) when absent. */
export function sketchTileAt(list: SketchTiles, idx: number, count: number): number[][] {
  const last = list[list.length - 1];
  if (last !== undefined && last[0]![0] === idx) return last;
  const pos = last === undefined || last[0]![0]! < idx ? list.length : sketchLowerBound(list, idx);
  const found = list[pos];
  if (found !== undefined && found[0]![0] === idx) return found;
  const entry: number[][] = [[idx]];
  for (let k = 0; k < count; k++) entry.push([]);
  list.splice(pos, 0, entry);
  return entry;
}

/** Removes the entries with tile index <= floorIdx. */
export function pruneSketchTiles(list: SketchTiles, floorIdx: number): void {
  const cut = sketchLowerBound(list, floorIdx + 1);
  if (cut > 0) list.splice(0, cut);
}
