/**
 * Events: what contacts did. Append-only, the source of truth; the message id is unique.
 * @module
 */
import type { ContactEvent, Properties } from '../../core/index.js'

/** An event to store. Times are epoch milliseconds (integers). */
export interface EventWrite {
  /** The message id; unique. Storing an id twice stores it once. */
  readonly id: string
  /** The identified contact (the Segment `userId`), if known. */
  readonly contactId?: string | null | undefined
  /** The anonymous id (the Segment `anonymousId`), if any. One of the two ids is required. */
  readonly anonymousId?: string | null | undefined
  readonly name: string
  /** When it happened. */
  readonly ts: number
  /** When the service received it. */
  readonly receivedAt: number
  readonly properties: Properties
}

/** A stored event; a `ContactEvent` the core can fold as is. */
export interface StoredEvent extends ContactEvent {
  readonly contactId: string | null
  readonly anonymousId: string | null
  readonly receivedAt: number
}

/** What `insertEvents` did with each event of a batch, ids in input order. */
export interface InsertEventsResult {
  /** Ids stored by this call. */
  readonly inserted: readonly string[]
  /** Ids already stored, or repeated earlier in the same batch: not stored again. */
  readonly duplicates: readonly string[]
}

/** Which events of one contact to read. */
export interface ContactEventsOptions {
  /** Only events at or after this time. */
  readonly from?: number | undefined
  /** Only events at or before this time (the as-of time). */
  readonly to?: number | undefined
}

export interface StreamEventsOptions {
  /** Events per page (default 10,000). */
  readonly pageSize?: number | undefined
}
