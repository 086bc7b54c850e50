/**
 * The most recent rejected messages, kept in memory so a developer wiring a source can see
 * what was refused and why (`GET /api/ingest/rejections`).
 * @module
 */
import type { ApiText } from '../i18n/api.js'

/** One rejected message. */
export interface RejectionEntry {
  readonly at: number
  readonly route: string
  /** The key that sent it. */
  readonly keyId: string
  readonly index: number
  readonly messageId: string | null
  /** Why, in English. */
  readonly reason: string
  /** Why, as a text of the `api` catalog: said in each reader's language. */
  readonly text?: ApiText | undefined
}

/** A ring buffer of the last `capacity` rejections. */
export class RejectionLog {
  private readonly entries: RejectionEntry[] = []
  private readonly capacity: number
  /** Rejections recorded since the start. */
  total = 0

  constructor(capacity = 1000) {
    this.capacity = capacity
  }

  add(entry: RejectionEntry): void {
    this.total++
    this.entries.push(entry)
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity)
  }

  /** The newest `limit` rejections, newest first. */
  recent(limit: number): RejectionEntry[] {
    return this.entries.slice(-limit).reverse()
  }
}
