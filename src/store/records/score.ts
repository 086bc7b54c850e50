/**
 * A contact's current scores under one model, and the changes written with them.
 * @module
 */
import type { AccountScoreWrite } from './account.js'
import type { TransitionWrite } from './transition.js'
import type { DeliveryWrite } from './webhook.js'

/** A contact's current scores under one model: one row per (contact, model), replaced on write. */
export interface ScoreWrite {
  readonly contactId: string
  readonly modelId: string
  /** The version that computed these scores (must exist). */
  readonly modelVersion: number
  readonly fit: number
  readonly engagement: number
  readonly total: number
  readonly grade: string | null
  readonly level: string | null
  readonly label: string | null
  readonly band: string | null
  /** The stage this model computes (a contact's lifecycle stage is `ContactRecord.stage`). */
  readonly stage: string | null
  readonly journey: string | null
  readonly segments: readonly string[]
  readonly likelihood: number | null
  /** The newest activity the model counts, for the "last activity" sort. */
  readonly lastActivityAt: number | null
  readonly scoredAt: number
  /**
   * The earliest time the scores could change without a new event (decay crossing a
   * threshold, a window closing, inactivity); null when nothing changes with time alone.
   */
  readonly nextChangeAt: number | null
  /**
   * The folded scoring state (`serializeState`), or null. Absent: keep the stored one, if any.
   */
  readonly state?: unknown
}

export type ScoreRecord = Omit<ScoreWrite, 'state'>

/** A point of a contact's score history: written whenever the engine decides a change is worth a point. */
export interface ScorePoint {
  readonly contactId: string
  readonly modelId: string
  readonly modelVersion: number
  readonly at: number
  readonly fit: number
  readonly engagement: number
  readonly total: number
  readonly cause: TransitionCauseRef
}

/** What caused a change (stored as JSON). */
export type TransitionCauseRef =
  | { readonly type: 'event'; readonly eventId: string }
  | { readonly type: 'time' }
  | { readonly type: 'publish'; readonly modelId: string; readonly version: number }
  | { readonly type: 'api'; readonly keyId?: string | undefined }

/**
 * Everything one rescore writes, atomically: new scores, the transitions they caused and
 * history points. Either all of it is stored or none of it.
 */
export interface ScoreBatch {
  readonly scores?: readonly ScoreWrite[] | undefined
  readonly accountScores?: readonly AccountScoreWrite[] | undefined
  readonly transitions?: readonly TransitionWrite[] | undefined
  readonly history?: readonly ScorePoint[] | undefined
  /** Webhook deliveries the transitions cause: written into the outbox in the same transaction. */
  readonly deliveries?: readonly DeliveryWrite[] | undefined
}

/** Which contacts to rescore now. */
export interface DueQuery {
  readonly model: string
  /** Contacts whose `nextChangeAt` is at or before this time. */
  readonly now: number
  readonly limit: number
  /** Only contacts in these partitions (the ones this process leases). Default: all. */
  readonly partitions?: readonly number[] | undefined
}

export interface DueContact {
  readonly contactId: string
  readonly nextChangeAt: number
  readonly partition: number
}
