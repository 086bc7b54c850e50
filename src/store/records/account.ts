/**
 * Accounts (companies) and their scores per model.
 * @module
 */
import type { CommitteeRole, Properties } from '../../core/index.js'

/** A change to an account; `properties` merge like a contact's (see `ContactWrite`). */
export interface AccountWrite {
  readonly id: string
  readonly properties?: Properties | undefined
  readonly replaceProperties?: boolean | undefined
  readonly at: number
}

export interface AccountRecord {
  readonly id: string
  readonly properties: Properties
  readonly createdAt: number
  readonly updatedAt: number
}

/** An account's current scores under one model (from the core's `AccountResult`). */
export interface AccountScoreWrite {
  readonly accountId: string
  readonly modelId: string
  readonly modelVersion: number
  readonly fit: number
  readonly engagement: number
  readonly total: number
  readonly band: string | null
  /** How many contacts were rolled up. */
  readonly contacts: number
  readonly committee: readonly CommitteeRole[]
  readonly scoredAt: number
}

export type AccountScoreRecord = AccountScoreWrite
