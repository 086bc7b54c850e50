/**
 * Codes for the spellings of cells found in place in a decoded text: a lookup makes no
 * string (no slice, no hashing of a new string), a new spelling is copied once.
 * @module
 */
import { emptySlots, growSlots } from './hash-slots.js'
import { textHash } from './id-index.js'

/**
 * Maps the text of ranges [start, end) of strings to numbers given when each spelling is
 * first added (a value's code, say): the same table as `IdIndex`, keyed by ranges.
 */
export class TextDictionary {
  /** Pairs [hash, entry + 1]; 0 in the second slot means empty. */
  #slots: Int32Array
  #mask: number
  readonly #keys: string[] = []
  readonly #values: number[] = []

  constructor(expected = 64) {
    const { slots, mask } = emptySlots(expected)
    this.#slots = slots
    this.#mask = mask
  }

  /** The number of spellings. */
  get size(): number {
    return this.#keys.length
  }

  /** The number given for the spelling `text[start, end)`, or -1 when it was never added. */
  find(text: string, start: number, end: number): number {
    const h = textHash(text, start, end)
    const slots = this.#slots
    const mask = this.#mask
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1]!
      if (entry === 0) return -1
      if (slots[2 * i] === h && sameText(this.#keys[entry - 1]!, text, start, end))
        return this.#values[entry - 1]!
    }
  }

  /** Adds the spelling `key` (not added yet) with its number. */
  add(key: string, value: number): void {
    const entry = this.#keys.length
    this.#keys.push(key)
    this.#values.push(value)
    const slots = this.#slots
    const mask = this.#mask
    const h = textHash(key, 0, key.length)
    let i = h & mask
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask
    slots[2 * i] = h
    slots[2 * i + 1] = entry + 1
    if ((entry + 1) * 2 > mask + 1) {
      const grown = growSlots(this.#slots, this.#mask)
      this.#slots = grown.slots
      this.#mask = grown.mask
    }
  }
}

function sameText(key: string, text: string, start: number, end: number): boolean {
  if (key.length !== end - start) return false
  for (let k = 0; k < key.length; k++) if (key.charCodeAt(k) !== text.charCodeAt(start + k)) return false
  return true
}
