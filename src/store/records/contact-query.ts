/**
 * The ranked queue: contacts by score under one model, filtered, in pages.
 * @module
 */
import type { ContactRecord } from './contact.js'
import type { ScoreRecord } from './score.js'

export const CONTACT_SORTS = ['total', 'fit', 'engagement', 'likelihood', 'last_activity', 'id'] as const
/** What the queue is ordered by; ties are broken by contact id (in the same direction). */
export type ContactSort = (typeof CONTACT_SORTS)[number]

/** One value or any of several. */
export type OneOrMany = string | readonly string[]

export interface ContactFilters {
  readonly band?: OneOrMany | undefined
  readonly grade?: OneOrMany | undefined
  readonly level?: OneOrMany | undefined
  readonly label?: OneOrMany | undefined
  readonly journey?: OneOrMany | undefined
  /** Contacts in this segment (all of them, when several). */
  readonly segment?: OneOrMany | undefined
  /** The contact's lifecycle stage (`ContactRecord.stage`). */
  readonly stage?: OneOrMany | undefined
  readonly owner?: OneOrMany | undefined
  readonly account?: OneOrMany | undefined
  /** Case-insensitive substring of the name, email or company properties. */
  readonly text?: string | undefined
}

export interface ContactQuery {
  /** The model id whose scores rank the contacts. Contacts it has not scored are not listed. */
  readonly model: string
  /** Default `total`. */
  readonly sort?: ContactSort | undefined
  /** Default `desc`. Unknown likelihood and no activity sort as lowest. */
  readonly direction?: 'asc' | 'desc' | undefined
  readonly filters?: ContactFilters | undefined
  /** Default 50, at most 1000. */
  readonly limit?: number | undefined
  /** `nextCursor` of the previous page (same model, sort and direction). */
  readonly cursor?: string | null | undefined
}

export interface RankedContact {
  readonly contact: ContactRecord
  readonly score: ScoreRecord
}

export interface ContactPage {
  readonly items: readonly RankedContact[]
  /** Pass to get the next page; null on the last page. */
  readonly nextCursor: string | null
}

export const COUNT_DIMENSIONS = [
  'band',
  'grade',
  'level',
  'label',
  'journey',
  'segment',
  'stage',
  'owner',
] as const
export type CountDimension = (typeof COUNT_DIMENSIONS)[number]

export interface CountQuery {
  readonly model: string
  readonly by: CountDimension
  readonly filters?: ContactFilters | undefined
}

/** How many scored contacts have each value (null: none), most first. */
export interface CountRow {
  readonly value: string | null
  readonly count: number
}
