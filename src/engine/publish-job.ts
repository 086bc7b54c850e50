/**
 * Retroactive rescoring after a publish: every contact without a score from the published
 * version is scored with it from its events, in large pages (read and scored outside any
 * transaction, then written in one: see `publish/score-page.ts`), giving way to ingestion
 * while a page is scored and between pages; then every account with members is rolled up
 * once from their new scores. A restarted engine resumes an interrupted job (the contacts
 * still to score are exactly those without a score from that version; the accounts are all
 * rolled up again).
 * @module
 */
import { isUnavailable } from '../store/errors.js'
import type { Store, TransitionCauseRef } from '../store/index.js'
import type { Clock } from './clock.js'
import { type Logger, logRetriedFailure } from './logger.js'
import type { ModelRegistry, PublishedModel } from './models.js'
import { rollUpAccountPage } from './publish/account-page.js'
import { scorePage, writePage } from './publish/score-page.js'
import type { WebhookRegistry } from './webhooks/registry.js'

/**
 * Contacts per page of a publish job: read and scored outside any transaction, written in
 * one. Each write holds the store's write lock (and, with SQLite, the thread) for its page:
 * pages of 1,000 write in bulk while ingestion commits wait at most a few tens of ms (pages of
 * 500 to 2,000 cost the same CPU on 100,000 contacts). The first page is {@link FIRST_PAGE}
 * contacts, each next one twice the last, up to this.
 */
export const PUBLISH_PAGE = 1000
/** Contacts of a publish job's first page (a small store is done in one or two). */
const FIRST_PAGE = 200
/**
 * Accounts per transaction of a publish job, once its contacts are done: read in a few
 * queries with their members (about 5 each), rolled up and written in one.
 */
const ACCOUNT_PAGE = 500
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
  /** Accounts rolled up so far (after the contacts). */
  accounts: number
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
  /** Contacts per page (default {@link PUBLISH_PAGE}). */
  readonly pageSize?: number | undefined
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
    accounts: 0,
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
  // contacts first, then each account once (rolled up from its members' new scores)
  for (const phase of ['contacts', 'accounts'] as const) {
    if (phase === 'accounts' && model.compiled.accounts === undefined) return
    let after: string | null = null as string | null
    let pageSize = Math.min(FIRST_PAGE, deps.pageSize ?? PUBLISH_PAGE)
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
      // every account with members is rolled up again: one rolled up by ingestion while the
      // job ran may have counted members not yet rescored
      const ids: string[] | undefined = await retried(deps, () =>
        phase === 'contacts'
          ? store.staleContacts({ model: id, version, after, limit: pageSize })
          : store.accountsWithMembers({ after, limit: ACCOUNT_PAGE }),
      )
      if (ids === undefined) continue
      if (ids.length === 0) break
      const written = await retried<unknown>(deps, () =>
        phase === 'contacts'
          ? scorePage(deps, current, ids, after).then((page) => writePage(deps, current, page, cause))
          : rollUpAccountPage(deps, current, ids, cause),
      )
      if (written === undefined) continue
      after = ids.at(-1)!
      if (phase === 'contacts') {
        job.scored += ids.length
        pageSize = Math.min(pageSize * 2, deps.pageSize ?? PUBLISH_PAGE)
      } else job.accounts += ids.length
      deps.onPage?.()
      // let ingestion commits run between pages
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }
}

/**
 * Runs `work`; when the database is out of reach (a restart), waits and resolves undefined so
 * the caller tries the page again. Other errors end the job.
 */
async function retried<T>(deps: PublishJobDeps, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work()
  } catch (error) {
    if (!isUnavailable(error)) throw error
    logRetriedFailure(deps.logger, 'publish: a page of rescoring failed; retrying in 2 s', error)
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
    return undefined
  }
}
