/**
 * Retroactive rescoring after a publish: every contact without a score from the published
 * version is refolded from its events and scored with it, a page of contacts per transaction,
 * so ingestion commits keep going in between. A restarted engine resumes an interrupted job
 * (the contacts still to score are exactly those without a score from that version).
 * @module
 */
import { isUnavailable } from '../store/errors.js'
import type { Store, TransitionCauseRef } from '../store/index.js'
import type { Clock } from './clock.js'
import { type Logger, logRetriedFailure } from './logger.js'
import type { ModelRegistry, PublishedModel } from './models.js'
import {
  emptyOutput,
  type RescoreContext,
  rescoreAccounts,
  rescoreContacts,
  rescoreOwed,
  writeRescore,
} from './rescore.js'
import type { WebhookRegistry } from './webhooks/registry.js'

/** Contacts per transaction of a publish job. */
export const PUBLISH_PAGE = 200
/** How long a page waits before it is tried again when the database is out of reach. */
const RETRY_MS = 2000

/** The progress of a publish job. */
export interface PublishJob {
  readonly model: string
  readonly version: number
  /** `stopped`: the engine closed first (the next start resumes it). */
  status: 'running' | 'done' | 'failed' | 'superseded' | 'stopped'
  /** Contacts scored so far. */
  scored: number
  readonly startedAt: number
  finishedAt: number | null
  error: string | null
  /** Resolves when the job ends (whatever its status). */
  readonly done: Promise<void>
}

export interface PublishJobDeps {
  readonly store: Store
  readonly clock: Clock
  readonly logger: Logger
  readonly models: ModelRegistry
  readonly webhooks?: WebhookRegistry | undefined
  /** Called after each page is written. */
  readonly onPage?: (() => void) | undefined
  /** Stops the job between pages (when the engine closes). */
  readonly signal: AbortSignal
}

/** Starts rescoring every contact with `model` (its published version) in the background. */
export function startPublishJob(deps: PublishJobDeps, model: PublishedModel): PublishJob {
  const { id, version } = model.record
  let finish: () => void = () => {}
  const job: PublishJob = {
    model: id,
    version,
    status: 'running',
    scored: 0,
    startedAt: deps.clock.now(),
    finishedAt: null,
    error: null,
    done: new Promise<void>((resolve) => {
      finish = resolve
    }),
  }
  const started = performance.now()
  run(deps, model, job)
    .then(
      () => {
        if (job.status !== 'running') return
        job.status = 'done'
        deps.logger.info('publish: every contact rescored', {
          model: id,
          version,
          contacts: job.scored,
          ms: Math.round(performance.now() - started),
        })
      },
      (error: unknown) => {
        job.status = 'failed'
        job.error = error instanceof Error ? error.message : String(error)
        deps.logger.error('publish: rescoring failed; it resumes at the next start', {
          model: id,
          version,
          scored: job.scored,
          error,
        })
      },
    )
    .finally(() => {
      job.finishedAt = deps.clock.now()
      finish()
    })
  return job
}

async function run(deps: PublishJobDeps, model: PublishedModel, job: PublishJob): Promise<void> {
  const { store } = deps
  const { id, version } = model.record
  const cause: TransitionCauseRef = { type: 'publish', modelId: id, version }
  let after: string | null = null
  for (;;) {
    if (deps.signal.aborted) {
      job.status = 'stopped'
      return
    }
    const current = deps.models.find(id)
    if (current?.record.version !== version) {
      job.status = 'superseded'
      return
    }
    let ids: string[]
    try {
      ids = await store.staleContacts({ model: id, version, after, limit: PUBLISH_PAGE })
      if (ids.length === 0) return
      await store.transaction(async (tx) => {
        const now = deps.clock.now()
        // lock and read the contacts (nothing changes): rescores of one contact never interleave
        const contacts = await tx.upsertContacts(ids.map((contactId) => ({ id: contactId, at: now })))
        const ctx: RescoreContext = {
          tx,
          models: [current],
          primaryId: deps.models.primary?.record.id,
          now,
          accounts: new Map(),
          webhooks: deps.webhooks,
          partitionCount: store.partitionCount,
        }
        // changes owed to these contacts first, with every published model: the refold below
        // is for this model only and would otherwise take them from the others
        await rescoreOwed({ ...ctx, models: deps.models.published }, contacts)
        const out = emptyOutput()
        await rescoreContacts(
          ctx,
          contacts.map((contact) => ({ contact, newEvents: [], rebuild: true, cause })),
          out,
        )
        const accounts = contacts.flatMap((c) => (c.accountId === null ? [] : [c.accountId]))
        await rescoreAccounts(ctx, accounts, cause, out)
        await writeRescore(tx, out)
      })
    } catch (error) {
      if (!isUnavailable(error)) throw error
      // a database restart: the page was not written; try it again shortly
      logRetriedFailure(deps.logger, 'publish: a page of rescoring failed; retrying in 2 s', error, {
        model: id,
        version,
      })
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RETRY_MS)
        deps.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer)
            resolve()
          },
          { once: true },
        )
      })
      continue
    }
    after = ids.at(-1)!
    job.scored += ids.length
    deps.onPage?.()
    // let ingestion commits run between pages
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
