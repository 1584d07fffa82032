/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * Seeded PRNG (mulberry32): the same seed gives the same sequence, so a run (emulator faults, generated test or
 * benchmark data) can be replayed. Not for cryptography.
 */
export function seededRandom(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for when the caller gave none; report it so the run can be replayed. */
export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 32);
