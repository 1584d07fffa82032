/** Entities are split into `partitions` groups by a hash of their id (FNV-1a, 32 bits), stable across processes. */
export function partitionOf(entity: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < entity.length; i++) {
    h ^= entity.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
