/**
 * Rescoring when time alone changes scores: contacts whose `next_change_at` has come are
 * rescored (cause `time`), a page per transaction. Several processes on one database share
 * the work by partition leases: each rescores only contacts of partitions it holds, and
 * checks it still holds them in the transaction that writes.
 * @module
 */

import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { LeaseGrant, Store, TransitionCauseRef } from '../store/index.js'
import type { Logger } from './logger.js'
import type { ModelRegistry } from './models.js'
import { emptyOutput, publishedContext, rescoreAccounts, rescoreContacts, writeRescore } from './rescore.js'
import type { WebhookRegistry } from './webhooks/registry.js'

/** Contacts per transaction. */
const PAGE = 200
/** Lease time to live. */
const LEASE_TTL_MS = 30_000

/** What one tick did. */
export interface TickResult {
  /** Contacts rescored. */
  readonly rescored: number
  /** How late the most overdue contact was (ms; 0 when none was due). */
  readonly lagMs: number
  /** True when more contacts were due than one tick rescores (the next tick continues). */
  readonly more: boolean
}

export interface TimeRescorerDeps {
  readonly store: Store
  readonly logger: Logger
  readonly models: ModelRegistry
  readonly webhooks?: WebhookRegistry | undefined
  /** Called with the number of contacts rescored per page. */
  readonly onRescored?: (n: number) => void
}

/** The due-contact scheduler of one process. */
export class TimeRescorer {
  /** This process's name in the lease table. */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly deps: TimeRescorerDeps
  private grant: LeaseGrant | undefined

  constructor(deps: TimeRescorerDeps) {
    this.deps = deps
  }

  /** Rescores contacts due at `now` (at most `max` per model; stops between pages when `signal` aborts). */
  async tick(now: number, max = 5000, signal?: AbortSignal): Promise<TickResult> {
    const { store, models } = this.deps
    const partitions = (await this.lease()).partitions
    let rescored = 0
    let lagMs = 0
    let more = false
    if (partitions.length === 0) return { rescored, lagMs, more }
    for (const model of models.published) {
      let done = 0
      for (;;) {
        if (done >= max || signal?.aborted) {
          more = true
          break
        }
        const due = await store.dueContacts({ model: model.record.id, now, limit: PAGE, partitions })
        if (due.length === 0) break
        lagMs = Math.max(lagMs, now - due[0]!.nextChangeAt)
        const written = await this.rescore(
          due.map((d) => d.contactId),
          [...new Set(due.map((d) => d.partition))],
          now,
        )
        if (!written) return { rescored, lagMs, more: true }
        done += due.length
        rescored += due.length
        this.deps.onRescored?.(due.length)
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
    return { rescored, lagMs, more }
  }

  /** Rescores `ids` with every published model; false when a lease was lost meanwhile. */
  private async rescore(
    ids: readonly string[],
    partitions: readonly number[],
    now: number,
  ): Promise<boolean> {
    const { store, models } = this.deps
    const cause: TransitionCauseRef = { type: 'time' }
    return store.transaction(async (tx) => {
      if (!(await tx.holdsLeases(this.holder, partitions))) {
        this.grant = undefined
        return false
      }
      const contacts = await tx.upsertContacts(ids.map((id) => ({ id, at: now })))
      const ctx = publishedContext(tx, models, now, this.deps.webhooks, store.partitionCount)
      const out = emptyOutput()
      await rescoreContacts(
        ctx,
        contacts.map((contact) => ({ contact, newEvents: [], rebuild: false, cause })),
        out,
      )
      await rescoreAccounts(
        ctx,
        contacts.flatMap((c) => (c.accountId === null ? [] : [c.accountId])),
        cause,
        out,
      )
      await writeRescore(tx, out)
      return true
    })
  }

  /** The partitions this process holds now (leased or renewed as needed). */
  async partitions(): Promise<readonly number[]> {
    return (await this.lease()).partitions
  }

  /** The current leases, renewed when half their time is gone. */
  private async lease(): Promise<LeaseGrant> {
    if (this.grant === undefined || Date.now() > this.grant.validUntil - LEASE_TTL_MS / 2) {
      this.grant = await this.deps.store.acquireLeases({ holder: this.holder, ttlMs: LEASE_TTL_MS })
    }
    return this.grant
  }

  /** Gives the leases back (on shutdown). */
  async release(): Promise<void> {
    this.grant = undefined
    await this.deps.store.releaseLeases(this.holder)
  }
}
