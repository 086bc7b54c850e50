import type { ContactRecord } from './contact.js'

/**
 * Merges one known contact into another (a duplicate, or a Segment `alias` of two user ids).
 * Everything of `from` moves to `into`: its events, its anonymous ids, the properties `into`
 * lacks, its account and owner when `into` has none. `from` stays as a record that points to
 * `into` (`mergedInto`): later messages for it go to `into`; it has no scores of its own.
 */
export interface ContactMerge {
  readonly from: string
  readonly into: string
  /** The stage `into` gets (the caller knows the stages' order); undefined keeps it. */
  readonly stage?: string | null | undefined
  readonly at: number
}

export interface MergeResult {
  /** `from` as it was before the merge. */
  readonly from: ContactRecord
  /** `into` after the merge. */
  readonly into: ContactRecord
  /** Events moved from `from` to `into`. */
  readonly movedEvents: number
}
