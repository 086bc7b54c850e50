/**
 * Dense integer indexes for string ids, built for millions of ids.
 * @module
 */
import { emptySlots, growSlots } from './hash-slots.js'

/** Strings this long or longer may be slices of a larger string (V8 keeps short ones as copies). */
const SLICE_MIN = 13

/**
 * Gives each distinct id a dense index (0, 1, 2, ... in first-seen order) and finds it again.
 *
 * Pass one to `readContacts` (`index` option) and then to `readEvents` (`contactIndex`):
 * contacts get the indexes 0..n-1 in file order and each event row carries the index of
 * its contact, so the consumer joins events to contacts with an array access instead of
 * a `Map` lookup per event.
 *
 * Why not a `Map`: with a million ids, a lookup misses the CPU cache three or four times in
 * a row (about 600 ns here). {@link indexAll} looks up a whole batch in passes whose memory
 * loads do not depend on each other, so the CPU overlaps the misses (about 200 ns).
 * Stored ids are copies: an id sliced from a large text does not keep that text alive.
 */
export class IdIndex {
  /** Pairs [hash, index + 1]; 0 in the second slot means empty. */
  #slots: Int32Array
  #mask: number
  readonly #ids: string[] = []
  // Scratch space of indexAll.
  #hashes = new Int32Array(0)
  #found = new Int32Array(0)
  #candidates: string[] = []

  constructor(expected = 1024) {
    const { slots, mask } = emptySlots(expected)
    this.#slots = slots
    this.#mask = mask
  }

  /** The number of ids. */
  get size(): number {
    return this.#ids.length
  }

  /** The id at `index` (undefined outside 0..size-1). */
  id(index: number): string | undefined {
    return this.#ids[index]
  }

  /** The index of `id`, or -1. */
  find(id: string): number {
    const h = hash(id)
    const slots = this.#slots
    for (let i = h & this.#mask; ; i = (i + 1) & this.#mask) {
      const entry = slots[2 * i + 1]!
      if (entry === 0) return -1
      if (slots[2 * i] === h && this.#ids[entry - 1] === id) return entry - 1
    }
  }

  /** The index of `id`, adding it when new. */
  index(id: string): number {
    return this.#index(id, hash(id))
  }

  /**
   * Sets `out[k]` to the index of `ids[k]` for k < `count`, adding new ids in order:
   * the same as calling {@link index} on each, about three times faster on large indexes.
   */
  indexAll(ids: readonly string[], out: Int32Array, count = ids.length): void {
    if (this.#hashes.length < count) {
      this.#hashes = new Int32Array(count)
      this.#found = new Int32Array(count)
      this.#candidates = new Array<string>(count).fill('')
    }
    const hashes = this.#hashes
    const found = this.#found
    const candidates = this.#candidates
    const stored = this.#ids
    // Pass 1: hashes. Pass 2: first probes. Pass 3: the stored ids found. Each load is
    // independent of the others in its pass, so cache misses overlap.
    for (let k = 0; k < count; k++) hashes[k] = hash(ids[k]!)
    let slots = this.#slots
    let mask = this.#mask
    for (let k = 0; k < count; k++) {
      // Walk the probe chain to the first entry with the same hash: neighbours share a cache line.
      const h = hashes[k]!
      let i = h & mask
      let entry = slots[2 * i + 1]!
      while (entry !== 0 && slots[2 * i] !== h) {
        i = (i + 1) & mask
        entry = slots[2 * i + 1]!
      }
      found[k] = entry
    }
    for (let k = 0; k < count; k++) candidates[k] = found[k] === 0 ? '' : stored[found[k]! - 1]!
    // Pass 4: confirm, or look up the slow way (collisions, new ids).
    for (let k = 0; k < count; k++) {
      const id = ids[k]!
      if (found[k] !== 0 && candidates[k] === id) {
        out[k] = found[k]! - 1
      } else {
        out[k] = this.#index(id, hashes[k]!)
        slots = this.#slots
        mask = this.#mask
      }
    }
  }

  #index(id: string, h: number): number {
    const slots = this.#slots
    const mask = this.#mask
    let i = h & mask
    for (;;) {
      const entry = slots[2 * i + 1]!
      if (entry === 0) break
      if (slots[2 * i] === h && this.#ids[entry - 1] === id) return entry - 1
      i = (i + 1) & mask
    }
    const index = this.#ids.length
    this.#ids.push(id.length < SLICE_MIN ? id : detach(id))
    slots[2 * i] = h
    slots[2 * i + 1] = index + 1
    if ((index + 1) * 2 > mask + 1) this.#grow()
    return index
  }

  #grow(): void {
    const grown = growSlots(this.#slots, this.#mask)
    this.#slots = grown.slots
    this.#mask = grown.mask
  }
}

/** FNV-1a over the UTF-16 code units, then a murmur3 finalizer so the low bits mix well. */
function hash(s: string): number {
  return textHash(s, 0, s.length)
}

/** The hash of `IdIndex` (and `TextDictionary`) of the text of `s[start, end)`. */
export function textHash(s: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * A copy of `s` that does not keep a larger string alive. In V8 a long `slice()` points into
 * its parent; concatenating then slicing forces a fresh flat copy.
 */
function detach(s: string): string {
  return ` ${s}`.slice(1)
}
