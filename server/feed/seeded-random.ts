/**
 * A tiny seeded PRNG (mulberry32). The feed must be reproducible: the same
 * scenario and seed give the same events, so a run can be repeated and two
 * transports compared on identical traffic. Math.random cannot be seeded.
 * Not for anything security-related.
 */

export interface SeededRandom {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n); n must be a positive integer. */
  int(n: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/**
 * @param seed any finite number; only its low 32 bits (after truncation) count,
 *   so 1 and 1.5 give the same sequence.
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const float = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    float,
    int: (n) => Math.floor(float() * n),
    between: (min, max) => min + float() * (max - min),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
      return items[Math.floor(float() * items.length)] as T;
    },
  };
}
