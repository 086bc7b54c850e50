/**
 * Scoring partitions: contacts are hashed into a fixed number of partitions, the unit that
 * processes lease (see `Store.acquireLeases`). The hash is stable across processes,
 * machines and versions: FNV-1a (32 bits) of the id's UTF-8 bytes.
 * @module
 */

/** The number of partitions a new database gets. */
export const DEFAULT_PARTITION_COUNT = 64

const encoder = new TextEncoder()

/** The partition of a contact id, in [0, count). */
export function partitionOf(contactId: string, count: number): number {
  let hash = 0x811c9dc5
  for (const byte of encoder.encode(contactId)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % count
}
