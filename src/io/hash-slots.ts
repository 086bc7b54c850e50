/**
 * The open-addressing table shared by `IdIndex` and the byte-string dictionaries: pairs
 * [hash, entry + 1] in an Int32Array, 0 in the second slot meaning empty, linear probing.
 * @module
 */

/** An empty table with room for `expected` entries at most half full. */
export function emptySlots(expected: number): { slots: Int32Array; mask: number } {
  let capacity = 16
  while (capacity < expected * 2) capacity *= 2
  return { slots: new Int32Array(capacity * 2), mask: capacity - 1 }
}

/** A table twice the capacity of `old` (whose mask is `mask`), with every entry re-inserted. */
export function growSlots(old: Int32Array, mask: number): { slots: Int32Array; mask: number } {
  const capacity = (mask + 1) * 2
  const slots = new Int32Array(capacity * 2)
  const next = capacity - 1
  for (let j = 0; j < old.length; j += 2) {
    const entry = old[j + 1]!
    if (entry === 0) continue
    let i = old[j]! & next
    while (slots[2 * i + 1] !== 0) i = (i + 1) & next
    slots[2 * i] = old[j]!
    slots[2 * i + 1] = entry
  }
  return { slots, mask: next }
}
