/**
 * A 53-bit hash of event ids. Events at the same time are ordered by the hash of their id
 * (then by the id itself), so the order is fixed by content, never by arrival; the columnar
 * scorer keeps the hash instead of the id string (8 bytes an event instead of ~40).
 * @module
 */

/** A hash of `id` in [0, 2^53): two 32-bit FNV-1a/murmur-style lanes combined. */
export function idHash(id: string): number {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  a ^= a >>> 16
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 13
  b = Math.imul(b, 0xc2b2ae35)
  b ^= b >>> 16
  return (a >>> 0) * 2097152 + (b >>> 11)
}
