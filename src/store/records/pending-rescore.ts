import type { TransitionCauseRef } from './score.js'

/**
 * Rescoring a contact is owed: written in the transaction that stores what calls for it
 * (events, property changes, a merge), taken and deleted by the transaction that rescores the
 * contact. Until then it survives restarts, so an acknowledged change is always scored.
 */
export interface PendingRescoreWrite {
  readonly contactId: string
  /** Events stored for the contact by that unit of work: folded into its state when it is rescored. */
  readonly eventIds: readonly string[]
  /** Refold all the contact's events (an anonymous id was merged into it). */
  readonly rebuild: boolean
  /** What to record as the cause of the transitions the rescore makes. */
  readonly cause: TransitionCauseRef
  /** Accounts to roll up besides the contact's own (one it left). */
  readonly accounts: readonly string[]
  readonly at: number
}

/** A pending rescore as stored: in write order (`seq`), in the contact's partition. */
export interface PendingRescore extends PendingRescoreWrite {
  readonly seq: number
  readonly partition: number
}

/** Which contacts are owed a rescore, oldest first. */
export interface PendingRescoreQuery {
  /** Only contacts of these partitions (default: all). */
  readonly partitions?: readonly number[] | undefined
  readonly limit: number
}

/** A contact owed a rescore, and since when. */
export interface PendingContact {
  readonly contactId: string
  readonly partition: number
  readonly since: number
}
