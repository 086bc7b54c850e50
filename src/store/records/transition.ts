/**
 * Transitions: a contact's (or an account's) class changed. Feeds history, reports and webhooks.
 * @module
 */
import type { TransitionCauseRef } from './score.js'

export const TRANSITION_KINDS = [
  'stage',
  'band',
  'grade',
  'level',
  'label',
  'journey',
  'segment.enter',
  'segment.leave',
  'account.band',
  'owner',
] as const

export type TransitionKind = (typeof TRANSITION_KINDS)[number]

/** A change of class. Exactly one of `contactId` and `accountId` is set (`account.*` kinds: the account). */
export interface TransitionWrite {
  readonly contactId?: string | null | undefined
  readonly accountId?: string | null | undefined
  readonly modelId: string
  readonly modelVersion: number
  readonly kind: TransitionKind
  /** The value before (null: none), e.g. the old band; for segments, null on enter. */
  readonly from: string | null
  readonly to: string | null
  readonly at: number
  readonly cause: TransitionCauseRef
}

export interface TransitionRecord extends TransitionWrite {
  readonly contactId: string | null
  readonly accountId: string | null
  /** Insertion order: increases with every transition stored. */
  readonly seq: number
}

export interface TransitionQuery {
  readonly contactId?: string | undefined
  readonly accountId?: string | undefined
  readonly modelId?: string | undefined
  readonly kinds?: readonly TransitionKind[] | undefined
  /** At or after (epoch ms). */
  readonly from?: number | undefined
  /** At or before (epoch ms). */
  readonly to?: number | undefined
  /** Only transitions stored after this one (`seq`): for followers such as webhooks. */
  readonly afterSeq?: number | undefined
  /** Default 1000. */
  readonly limit?: number | undefined
}

export interface ScoreHistoryQuery {
  readonly contactId: string
  readonly modelId: string
  readonly from?: number | undefined
  readonly to?: number | undefined
}
