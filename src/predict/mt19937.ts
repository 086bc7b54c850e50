/**
 * numpy's legacy `RandomState` stream, for folds that are row for row scikit-learn's: the
 * Mersenne Twister (MT19937) seeded as `RandomState(seed)` seeds it, and `shuffle` drawing each
 * swap with numpy's bounded-integer rejection (`random_interval`). Pure 32-bit arithmetic.
 * @module
 */

const N = 624
const M = 397

/** A Mersenne Twister seeded like `numpy.random.RandomState(seed)` (an integer in [0, 2^32)). */
export class Mt19937 {
  private readonly mt = new Uint32Array(N)
  private index = N

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`seed is ${seed}: give an integer from 0 to 2^32 - 1`)
    this.mt[0] = seed >>> 0
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30)
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0
    }
  }

  /** The next 32-bit unsigned integer (numpy's `next_uint32`). */
  nextUint32(): number {
    const mt = this.mt
    if (this.index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff)
        mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      this.index = 0
    }
    let y = mt[this.index++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** An integer in [0, max] (max < 2^32), as numpy's `random_interval` draws it. */
  interval(max: number): number {
    if (max === 0) return 0
    let mask = max
    mask |= mask >>> 1
    mask |= mask >>> 2
    mask |= mask >>> 4
    mask |= mask >>> 8
    mask |= mask >>> 16
    mask >>>= 0
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0
      if (value <= max) return value
    }
  }

  /** Shuffles `items` in place exactly as `RandomState.shuffle` shuffles a 1-d array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i)
      const tmp = items[i]!
      items[i] = items[j]!
      items[j] = tmp
    }
    return items
  }
}
