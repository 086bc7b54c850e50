/**
 * A seeded pseudo-random number generator for the learners and the folds (mulberry32):
 * 32-bit integer arithmetic only, so a seed gives the same stream on every platform.
 * @module
 */

/** Uniform numbers in [0, 1) from a seed. */
export type Random = () => number

/** A generator started at `seed` (any finite number; its integer part is used). */
export function createRandom(seed: number): Random {
  let state = (Math.trunc(seed) ^ 0x6d2b79f5) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Shuffles `items` in place (Fisher-Yates) and returns them. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  items: T,
  random: Random,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = items[i]
    items[i] = items[j]
    items[j] = tmp
  }
  return items
}
