/**
 * The rescoring that follows storing, when ingestion acknowledges once stored. Contacts owed
 * a rescore (their rows in `pending_rescores`, written with the change) wait here in arrival
 * order; one loop rescores them a page per transaction. A contact that gets more events while
 * it waits is rescored once for all of them, so the busier ingestion is, the more each
 * rescore covers. The queue in the store is the truth: what this process did not finish (a
 * crash, another process's work) is found again by `sweep`, and a contact another process
 * rescored meanwhile is skipped (its rows are gone).
 * @module
 */
import type { Store } from '../store/index.js'
import type { Clock } from './clock.js'
import { type Logger, logRetriedFailure } from './logger.js'
import type { ModelRegistry } from './models.js'
import { publishedContext, rescoreOwed } from './rescore.js'
import type { WebhookRegistry } from './webhooks/registry.js'

/**
 * Contacts per transaction. Measured on both stores under 4 clients of `/v1/batch` (`npm run
 * bench:serve -- --only latency`): pages of 50 while messages waited let the backlog fall
 * behind (PostgreSQL: 2xx → readable past 10 s at 1,900 events/s; SQLite: p99 3.2 s), pages of
 * 500 keep up (PostgreSQL p99 0.58 s, SQLite 0.16 s) for 12-26% fewer events acknowledged a
 * second. Storing still goes first: each page waits for the transactions already queued.
 */
const PAGE = 500
/** The first wait after a failed page; doubled up to `MAX_BACKOFF_MS`. */
const FIRST_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 30_000

export interface RescoreBacklogDeps {
  readonly store: Store
  readonly clock: Clock
  readonly logger: Logger
  readonly models: ModelRegistry
  readonly webhooks?: WebhookRegistry | undefined
  /** After each page: how many contacts it rescored and how long each had waited (ms). */
  readonly onRescored?: ((count: number, waitsMs: readonly number[]) => void) | undefined
}

/** The rescoring backlog of one process; see the module description. */
export class RescoreBacklog {
  private readonly deps: RescoreBacklogDeps
  /** Contact ids in arrival order (a Set keeps the first arrival's place). */
  private readonly waiting = new Set<string>()
  private running: Promise<void> | undefined
  private backoffMs = 0
  private closed = false
  private closing = false
  /** Contacts of the page being rescored. */
  private inFlight = 0
  private readonly idle: (() => void)[] = []

  constructor(deps: RescoreBacklogDeps) {
    this.deps = deps
  }

  /** Contacts waiting in this process, or being rescored now. */
  get size(): number {
    return this.waiting.size + this.inFlight
  }

  /** Queues contacts whose rescores were just recorded; rescoring starts at once. */
  add(contactIds: Iterable<string>): void {
    for (const id of contactIds) this.waiting.add(id)
    this.kick()
  }

  /**
   * Queues the contacts owed a rescore in the store (of `partitions`, default all), at most
   * `limit`: those another process or an earlier run left. Returns how many it found.
   */
  async sweep(partitions?: readonly number[], limit = 10_000): Promise<number> {
    const owed = await this.deps.store.pendingRescores({ partitions, limit })
    this.add(owed.map((o) => o.contactId))
    return owed.length
  }

  /** Resolves when nothing waits in this process (what was queued so far is rescored). */
  settled(): Promise<void> {
    if (this.waiting.size === 0 && this.running === undefined) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  /**
   * Rescores what waits, then stops taking work. When the store fails meanwhile it stops at
   * once: the rescores stay owed in the store and the next start finds them.
   */
  async close(): Promise<void> {
    this.closing = true
    if (this.backoffMs > 0) this.stop()
    await this.settled()
    this.closed = true
  }

  private stop(): void {
    this.closed = true
    this.waiting.clear()
    for (const resolve of this.idle.splice(0)) resolve()
  }

  private kick(): void {
    if (this.running !== undefined || this.closed || this.waiting.size === 0) return
    this.running = this.run().finally(() => {
      this.running = undefined
      if (this.waiting.size > 0 && this.backoffMs === 0) this.kick()
      else if (this.waiting.size === 0) for (const resolve of this.idle.splice(0)) resolve()
    })
  }

  private async run(): Promise<void> {
    while (this.waiting.size > 0) {
      // let storing transactions that arrived meanwhile go first; their contacts join this page
      await new Promise<void>((resolve) => setImmediate(resolve))
      const size = PAGE
      const page: string[] = []
      for (const id of this.waiting) {
        page.push(id)
        if (page.length === size) break
      }
      for (const id of page) this.waiting.delete(id)
      this.inFlight = page.length
      try {
        await this.rescore(page)
        this.backoffMs = 0
      } catch (error) {
        for (const id of page) this.waiting.add(id)
        if (this.closing) {
          logRetriedFailure(
            this.deps.logger,
            'rescoring stored changes failed while closing; the next start does it',
            error,
          )
          this.stop()
          return
        }
        this.backoffMs = Math.min(
          MAX_BACKOFF_MS,
          this.backoffMs === 0 ? FIRST_BACKOFF_MS : this.backoffMs * 2,
        )
        logRetriedFailure(
          this.deps.logger,
          `rescoring stored changes failed; retrying in ${this.backoffMs} ms`,
          error,
          { contacts: page.length },
        )
        const wait = this.backoffMs
        setTimeout(() => {
          this.backoffMs = 0
          this.kick()
        }, wait).unref()
        return
      } finally {
        this.inFlight = 0
      }
    }
  }

  private async rescore(ids: readonly string[]): Promise<void> {
    const { store, models, clock } = this.deps
    const waits = await store.transaction(async (tx) => {
      const now = clock.now()
      // lock and read the contacts: rescores of one contact never interleave (PostgreSQL)
      const contacts = await tx.upsertContacts(ids.map((id) => ({ id, at: now })))
      const ctx = publishedContext(tx, models, now, this.deps.webhooks, store.partitionCount)
      const out = await rescoreOwed(ctx, contacts)
      return [...out.owedSince.values()].map((since) => Math.max(0, now - since))
    })
    if (waits.length > 0) this.deps.onRescored?.(waits.length, waits)
  }
}
