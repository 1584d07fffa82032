/** Push lane of an entity: FNV-1a (32-bit) of `view\0entity`, modulo the lane count. Stable across processes. */
export function laneOf(view: string, entity: string, lanes: number): number {
  let h = 0x811c9dc5;
  const key = `${view}\u0000${entity}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}
