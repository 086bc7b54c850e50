/**
 * A small, fast, seeded pseudo-random number generator (sfc32, seeded through splitmix32),
 * plus the few distributions the demo data generator needs. Deterministic on every platform:
 * only 32-bit integer arithmetic, no `Math.random`, no clock.
 * @module
 */

const TWO_32 = 4_294_967_296

/** Folds any finite number into a 32-bit unsigned integer (seeds may be large or negative). */
export function toUint32(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`seed must be a finite number, got ${value}`)
  const int = Math.trunc(value)
  return ((int >>> 0) ^ Math.floor(int / TWO_32)) >>> 0
}

/** The murmur3 32-bit finalizer: a cheap, well-mixing bijection on 32-bit integers. */
export function mix32(value: number): number {
  let h = value | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Hashes a seed and up to three integer keys into a 32-bit seed for an independent stream. */
export function hashSeed(seed: number, a = 0, b = 0, c = 0): number {
  let h = mix32(toUint32(seed) ^ 0x9e3779b9)
  h = mix32((h ^ toUint32(a)) + 0x7f4a7c15)
  h = mix32((h ^ toUint32(b)) + 0x2c1b3c6d)
  h = mix32((h ^ toUint32(c)) + 0x297a2d39)
  return h
}

/** The `n`-th output of splitmix32 started at `seed` (used to seed sfc32's state). */
function splitmix32(seed: number, n: number): number {
  let z = (seed + Math.imul(0x9e3779b9, n)) | 0
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) | 0
}

/** A table for drawing items with given relative weights (see {@link Random.weighted}). */
export interface WeightedTable<T> {
  readonly items: readonly T[]
  /** Cumulative weights, normalised so that the last one is 1. */
  readonly cumulative: Float64Array
}

/** Builds a {@link WeightedTable} from `[item, weight]` pairs; weights must be >= 0, not all 0. */
export function weightedTable<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  let total = 0
  for (const [, weight] of entries) {
    if (!(weight >= 0)) throw new RangeError(`weights must be >= 0, got ${weight}`)
    total += weight
  }
  if (!(total > 0)) throw new RangeError('a weighted table needs a positive total weight')
  const cumulative = new Float64Array(entries.length)
  let sum = 0
  entries.forEach(([, weight], i) => {
    sum += weight
    cumulative[i] = sum / total
  })
  cumulative[entries.length - 1] = 1
  return { items: entries.map(([item]) => item), cumulative }
}

/**
 * sfc32 ("small fast counting" generator by Chris Doty-Humphrey, PractRand-tested), 128-bit
 * state, period at least 2^32. Seeded with splitmix32, so nearby seeds give unrelated streams.
 */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare = 0
  private hasSpare = false

  constructor(seed: number) {
    const s = toUint32(seed)
    this.a = splitmix32(s, 1)
    this.b = splitmix32(s, 2)
    this.c = splitmix32(s, 3)
    this.d = splitmix32(s, 4)
    for (let i = 0; i < 12; i++) this.uint32()
  }

  /** A stream for `(seed, a, b, c)`: independent of every other key combination. */
  static of(seed: number, a = 0, b = 0, c = 0): Random {
    return new Random(hashSeed(seed, a, b, c))
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const a = this.a
    const b = this.b
    const c = this.c
    const d = this.d
    const t = (((a + b) | 0) + d) | 0
    this.d = (d + 1) | 0
    this.a = b ^ (b >>> 9)
    this.b = (c + (c << 3)) | 0
    this.c = (((c << 21) | (c >>> 11)) + t) | 0
    return t >>> 0
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.uint32() / TWO_32
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** A uniform float in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** A standard normal deviate (Box-Muller; the second value of each pair is kept). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spare
    }
    let u = 0
    while (u === 0) u = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    const theta = 2 * Math.PI * this.next()
    this.spare = r * Math.sin(theta)
    this.hasSpare = true
    return r * Math.cos(theta)
  }

  /** An exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next())
  }

  /** A geometric count >= 1 with the given mean (>= 1): the number of trials to a success. */
  geometric(mean: number): number {
    if (mean <= 1) return 1
    const p = 1 / mean
    return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - p))
  }

  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** An index drawn from cumulative weights (the last one 1). */
  weightedIndex(cumulative: Float64Array | readonly number[]): number {
    const u = this.next()
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (u < cumulative[mid]!) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** An item drawn from a {@link WeightedTable}. */
  weighted<T>(table: WeightedTable<T>): T {
    return table.items[this.weightedIndex(table.cumulative)]!
  }
}

/** The logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x))
}
