/**
 * Reads the scoring service needs in bulk: contacts a model version has not scored yet,
 * current scores with their folded state, an account's members with their scores, and the
 * ranked list of accounts.
 * @module
 */
import type { AccountRecord, AccountScoreRecord } from './account.js'
import type { ContactRecord } from './contact.js'
import type { StoredEvent } from './event.js'
import type { ScoreRecord } from './score.js'

/** Contacts without a score from one model version (to score after a publish, or to resume one). */
export interface StaleContactsQuery {
  readonly model: string
  readonly version: number
  /** Only contact ids after this one (keyset paging); default: from the start. */
  readonly after?: string | null | undefined
  readonly limit: number
}

/** Accounts that have members, by id, in keyset pages. */
export interface AccountsWithMembersQuery {
  /** Only account ids after this one; default: from the start. */
  readonly after?: string | null | undefined
  readonly limit: number
}

/** Contacts (merged ones left out) by id, in keyset pages: a whole-store reading. */
export interface ContactsAfterQuery {
  /** Only contact ids after this one; default: from the start. */
  readonly after?: string | null | undefined
  readonly limit: number
}

/** The contacts whose ids are in (`after`, `upTo`], in the store's id order (a page of {@link ContactsAfterQuery}). */
export interface ContactRange {
  /** Only contact ids after this one; default: from the first. */
  readonly after?: string | null | undefined
  /** The last contact id of the range (included). */
  readonly upTo: string
}

/** The events of one contact (see `contactEvents`), from a bulk read. */
export interface ContactEventList {
  readonly contactId: string
  /** In time order (then by id), with the anonymous events merged into the contact. */
  readonly events: readonly StoredEvent[]
}

/** A contact's current score under one model, with the folded state stored with it. */
export interface ScoreWithState {
  readonly score: ScoreRecord
  /** What `ScoreWrite.state` held (`serializeState`), or null. */
  readonly state: unknown
}

/** A contact of an account and its score under one model (null when that model has not scored it). */
export interface AccountMemberScore {
  readonly contact: ContactRecord
  readonly score: ScoreRecord | null
}

/** What a rollup of an account reads: the account, its stored scores (every model) and its members. */
export interface AccountRollupInput {
  readonly account: AccountRecord
  /** The account's scores, one per model, by model id. */
  readonly scores: readonly AccountScoreRecord[]
  /** Its contacts, by id, each with its score under the model asked for (or null). */
  readonly members: readonly AccountMemberScore[]
}

/** The accounts a model scored, ranked by total (then id), in keyset pages. */
export interface AccountQuery {
  readonly model: string
  /** Default 50, at most 1000. */
  readonly limit?: number | undefined
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null | undefined
}

export interface RankedAccount {
  readonly account: AccountRecord
  readonly score: AccountScoreRecord
}

export interface AccountPage {
  readonly items: readonly RankedAccount[]
  /** Pass to get the next page; null on the last page. */
  readonly nextCursor: string | null
}
