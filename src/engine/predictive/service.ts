/**
 * The predictive service: training on demand and on a schedule, the model registry, and
 * keeping each contact's likelihood fresh. Work runs one task at a time per process, in a
 * worker thread when the store can be opened again from one (a file or a PostgreSQL URL), so
 * training never holds up ingestion; jobs and their progress live in the store, so any
 * process can answer for them, and a schedule shared by several processes trains once.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type {
  PredictiveModelRecord,
  PredictiveModelSummary,
  Store,
  TrainingJobRecord,
  TrainingTrigger,
} from '../../store/index.js'
import type { Clock } from '../clock.js'
import { NotFoundError } from '../errors.js'
import { type Logger, silentLogger } from '../logger.js'
import { claimPeriodic, releasePeriodic, renewPeriodic } from './lease.js'
import type { Progress } from './progress.js'
import { checkRequest, requestOf, type TrainingRequest } from './request.js'
import { type PredictiveTask, runTask, type TaskResult } from './run-task.js'
import { type CommitChanges, TriggerFilter, watchCommits } from './triggers.js'
import { runInWorker, type WorkerRun } from './worker-thread.js'

/** A running job's heartbeat: its `updatedAt` moves at least this often. */
const HEARTBEAT_MS = 30_000
/** A queued or running job not updated for this long is taken for abandoned. */
export const STALE_JOB_MS = 4 * HEARTBEAT_MS
/** Progress is written at most this often. */
const PROGRESS_EVERY_MS = 500
/** How often the schedule looks whether a retraining or a refresh is due. */
const SCHEDULE_CHECK_MS = 60_000

export interface PredictiveServiceOptions {
  readonly store: Store
  readonly clock: Clock
  readonly logger?: Logger | undefined
  /**
   * Where the store is (a SQLite file or a `postgres://` URL): tasks then run in a worker
   * thread with its own connection. Without it (an in-memory database), in this thread.
   */
  readonly location?: string | undefined
  /** Retrain every predictive model with an active version this often (ms; default: never). */
  readonly retrainEveryMs?: number | undefined
  /** Predict contacts that changed since their last prediction this often (ms; default 15 minutes; 0: never). */
  readonly refreshEveryMs?: number | undefined
  /**
   * Predict again the contacts whose features move with time alone (those with events, for
   * models with event windows, decay or recency) this often (ms; default a day; 0: never).
   */
  readonly timeRefreshEveryMs?: number | undefined
  /**
   * After ingestion changes an account's properties, merges contacts or identifies an anonymous
   * visitor (once started), the contacts concerned are predicted again after this delay, which
   * gathers a burst of changes into one task (ms; default 2 s).
   */
  readonly triggerDelayMs?: number | undefined
}

/** The settings that lease the periodic refreshes (one process at a time runs each). */
export const REFRESH_LEASE = 'predictive.refresh'
export const TIME_REFRESH_LEASE = 'predictive.time-refresh'
/** A periodic refresh's lease lasts this long unless renewed (a third of it, while it runs). */
const LEASE_TTL_MS = 5 * 60_000

/** A training asked for: the job, and whether it was started now (false: another one of the model runs). */
export interface TrainingStart {
  readonly job: TrainingJobRecord
  readonly created: boolean
}

export class PredictiveService {
  private readonly store: Store
  private readonly clock: Clock
  private readonly logger: Logger
  private readonly location: string | undefined
  private readonly retrainEveryMs: number | undefined
  private readonly refreshEveryMs: number
  private queue: Promise<unknown> = Promise.resolve()
  private running: { task: PredictiveTask; worker: WorkerRun | undefined } | undefined
  private timers: NodeJS.Timeout[] = []
  private closed = false
  /** This process's name in the refresh leases. */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly timeRefreshEveryMs: number
  private readonly triggerDelayMs: number
  private unwatch: (() => void) | undefined
  private pending = { contacts: new Set<string>(), accounts: new Set<string>() }
  private triggerTimer: NodeJS.Timeout | undefined
  private readonly filter = new TriggerFilter()

  constructor(options: PredictiveServiceOptions) {
    this.store = options.store
    this.clock = options.clock
    this.logger = options.logger ?? silentLogger
    this.location = options.location
    this.retrainEveryMs = options.retrainEveryMs
    this.refreshEveryMs = options.refreshEveryMs ?? 15 * 60_000
    this.timeRefreshEveryMs = options.timeRefreshEveryMs ?? 24 * 60 * 60_000
    this.triggerDelayMs = options.triggerDelayMs ?? 2000
  }

  /**
   * Starts the schedule (retraining and refreshing) and the predictions that ingestion
   * triggers (see `triggers.ts`); `close` stops them.
   */
  start(): this {
    if (this.timers.length > 0 || this.unwatch !== undefined || this.closed) return this
    this.unwatch = watchCommits(this.store, (changes) => this.triggered(changes))
    if ((this.retrainEveryMs ?? 0) > 0 || this.refreshEveryMs > 0 || this.timeRefreshEveryMs > 0) {
      const timer = setInterval(
        () => {
          this.onSchedule().catch((error: unknown) => this.logger.error('predictive schedule', { error }))
        },
        Math.min(
          SCHEDULE_CHECK_MS,
          Math.max(
            1000,
            Math.min(
              this.retrainEveryMs ?? SCHEDULE_CHECK_MS,
              this.refreshEveryMs || SCHEDULE_CHECK_MS,
              this.timeRefreshEveryMs || SCHEDULE_CHECK_MS,
            ),
          ),
        ),
      )
      timer.unref()
      this.timers.push(timer)
    }
    return this
  }

  /**
   * One look at the schedule (the timer calls it; tests too): retrainings due, then the
   * refreshes due, each leased so that of several processes on one database one runs it.
   * Resolves when the refreshes this look started are done.
   */
  async onSchedule(): Promise<void> {
    if (this.closed) return
    const now = this.clock.now()
    if ((this.retrainEveryMs ?? 0) > 0) await this.retrainDue(now)
    if (this.running !== undefined || (this.refreshEveryMs <= 0 && this.timeRefreshEveryMs <= 0)) return
    // a thread only when there is something to predict with
    if (!(await this.store.listPredictiveModels()).some((m) => m.active)) return
    const runs: Promise<void>[] = []
    if (this.refreshEveryMs > 0)
      runs.push(this.leased(REFRESH_LEASE, this.refreshEveryMs, { kind: 'refresh', now }))
    if (this.timeRefreshEveryMs > 0)
      runs.push(this.leased(TIME_REFRESH_LEASE, this.timeRefreshEveryMs, { kind: 'time-refresh', now }))
    await Promise.all(runs.map((run) => run.catch(() => {}))) // logged by run()
  }

  /** Runs `task` if this process claims the lease `key` (due every `everyMs`), renewing it meanwhile. */
  private async leased(key: string, everyMs: number, task: PredictiveTask): Promise<void> {
    const started = this.clock.now()
    const lease = { everyMs, ttlMs: LEASE_TTL_MS }
    if (!(await claimPeriodic(this.store, key, this.holder, started, lease))) return
    const renew = setInterval(() => {
      renewPeriodic(this.store, key, this.holder, this.clock.now(), LEASE_TTL_MS).catch((error: unknown) =>
        this.logger.warn('predictive lease not renewed', { key, error }),
      )
    }, LEASE_TTL_MS / 3)
    renew.unref()
    let done = false
    try {
      const result = await this.enqueue(task)
      done = result !== undefined
    } finally {
      clearInterval(renew)
      // undone (failed, or the service closed first): due again at once, for any process
      await releasePeriodic(this.store, key, this.holder, this.clock.now(), done ? started : undefined).catch(
        (error: unknown) => this.logger.warn('predictive lease not released', { key, error }),
      )
    }
  }

  /** Gathers what ingestion changed (repeats left out); predicts it after `triggerDelayMs`. */
  private triggered(changes: CommitChanges): void {
    if (this.closed) return
    const news = this.filter.news(changes)
    for (const id of news.contactIds) this.pending.contacts.add(id)
    for (const id of news.accountIds) this.pending.accounts.add(id)
    if (this.triggerTimer !== undefined || this.pending.contacts.size + this.pending.accounts.size === 0)
      return
    this.triggerTimer = setTimeout(() => {
      this.flushTriggers().catch((error: unknown) => this.logger.error('predictive trigger', { error }))
    }, this.triggerDelayMs)
    this.triggerTimer.unref()
  }

  /** Predicts the contacts that ingestion changed since the last flush (the timer calls it; tests too). */
  async flushTriggers(): Promise<TaskResult | undefined> {
    clearTimeout(this.triggerTimer)
    this.triggerTimer = undefined
    const { contacts, accounts } = this.pending
    if (contacts.size === 0 && accounts.size === 0) return undefined
    this.pending = { contacts: new Set(), accounts: new Set() }
    if (!(await this.store.listPredictiveModels()).some((m) => m.active)) return undefined
    const triggers = { contactIds: [...contacts], accountIds: [...accounts] }
    return this.enqueue({ kind: 'predict', triggers, now: this.clock.now() })
  }

  /**
   * Starts a training job (in the background) unless one of the model already runs.
   * @throws {InvalidRequestError} for a request that cannot be trained.
   */
  async train(request: TrainingRequest, trigger: TrainingTrigger = 'api'): Promise<TrainingStart> {
    const checked = checkRequest(request)
    const now = this.clock.now()
    const start = await this.store.startTrainingJob(
      {
        id: `trn_${randomBytes(9).toString('base64url')}`,
        modelId: checked.modelId,
        trigger,
        request: requestOf(checked),
        createdAt: now,
      },
      { staleBefore: now - STALE_JOB_MS },
    )
    if (start.created)
      void this.enqueue({ kind: 'train', jobId: start.job.id, request: requestOf(checked), now })
    return start
  }

  /** Resolves when the job has finished (for the CLI and tests). */
  async waitFor(jobId: string): Promise<TrainingJobRecord> {
    await this.queue
    const job = await this.job(jobId)
    return job
  }

  /** Predicts the contacts that have no prediction from the active versions, or changed since (in the background). */
  refresh(modelId?: string): Promise<TaskResult | undefined> {
    return this.enqueue({ kind: 'refresh', modelId, now: this.clock.now() })
  }

  async job(id: string): Promise<TrainingJobRecord> {
    const job = await this.store.getTrainingJob(id)
    if (job === undefined)
      throw new NotFoundError(
        { key: 'store.job.none', values: { id: JSON.stringify(id) } },
        { key: 'predictive.jobs.hint' },
      )
    return job
  }

  jobs(modelId?: string, limit = 50): Promise<TrainingJobRecord[]> {
    return this.store.listTrainingJobs({ modelId, limit })
  }

  models(id?: string): Promise<PredictiveModelSummary[]> {
    return this.store.listPredictiveModels(id)
  }

  /** A version, or the active one when `version` is undefined. */
  async model(id: string, version?: number): Promise<PredictiveModelRecord> {
    const record =
      version === undefined
        ? await this.store.activePredictiveModel(id)
        : await this.store.getPredictiveModel(id, version)
    if (record === undefined)
      throw new NotFoundError(
        version === undefined
          ? { key: 'predictive.active.none', values: { id: JSON.stringify(id) } }
          : { key: 'store.predictive.none', values: { id: JSON.stringify(id), version: String(version) } },
        { key: 'predictive.models.hint' },
      )
    return record
  }

  /** Makes a version the active one, then predicts every contact with it (in the background: `predictions` resolves when done). */
  async activate(
    id: string,
    version: number,
  ): Promise<{ model: PredictiveModelRecord; predictions: Promise<TaskResult | undefined> }> {
    await this.model(id, version)
    const model = await this.store.activatePredictiveModel(id, version, this.clock.now())
    const predictions = this.refresh(id)
    predictions.catch(() => {}) // logged by run()
    return { model, predictions }
  }

  /** Stops the schedule; a task running in a worker is stopped and its job marked failed. */
  async close(): Promise<void> {
    this.closed = true
    this.unwatch?.()
    clearTimeout(this.triggerTimer)
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    const running = this.running
    if (running?.worker !== undefined) {
      await running.worker.terminate()
      if (running.task.kind === 'train')
        await this.store
          .updateTrainingJob({
            id: running.task.jobId,
            at: this.clock.now(),
            status: 'failed',
            step: 'stopped',
            error: 'stopped: the server shut down',
          })
          .catch(() => {})
    }
    await this.queue.catch(() => {})
  }

  private async retrainDue(now: number): Promise<void> {
    const active = (await this.store.listPredictiveModels()).filter((m) => m.active)
    for (const model of active) {
      const request = await this.lastRequest(model)
      if (request === undefined) continue
      const start = await this.store.startTrainingJob(
        {
          id: `trn_${randomBytes(9).toString('base64url')}`,
          modelId: model.id,
          trigger: 'schedule',
          request,
          createdAt: now,
        },
        { staleBefore: now - STALE_JOB_MS, notSince: now - this.retrainEveryMs! },
      )
      if (start.created) {
        this.logger.info('scheduled retraining', { model: model.id, job: start.job.id })
        void this.enqueue({ kind: 'train', jobId: start.job.id, request, now })
      }
    }
  }

  /** The request that trained the active version (kept with its outcome). */
  private async lastRequest(model: PredictiveModelSummary): Promise<TrainingRequest | undefined> {
    const outcome = model.outcome as { request?: TrainingRequest } | null
    return outcome?.request === undefined
      ? undefined
      : { ...outcome.request, modelId: model.id, activate: true }
  }

  private enqueue(task: PredictiveTask): Promise<TaskResult | undefined> {
    const run = this.queue.then(() => (this.closed ? undefined : this.run(task)))
    this.queue = run.catch(() => {})
    return run
  }

  private async run(task: PredictiveTask): Promise<TaskResult> {
    const jobId = task.kind === 'train' ? task.jobId : undefined
    let last: Progress | undefined
    let written = 0
    let writing = Promise.resolve()
    const write = (progress: Progress | undefined) => {
      if (jobId === undefined) return
      writing = writing
        .then(() => this.store.updateTrainingJob({ id: jobId, at: this.clock.now(), ...(progress ?? {}) }))
        .then(
          () => {},
          (error: unknown) => this.logger.warn('training progress not written', { job: jobId, error }),
        )
    }
    const onProgress = (progress: Progress) => {
      last = progress
      const now = Date.now()
      if (now - written >= PROGRESS_EVERY_MS) {
        written = now
        write(progress)
      }
    }
    const heartbeat = setInterval(() => write(last), HEARTBEAT_MS)
    heartbeat.unref()
    const started = performance.now()
    try {
      let result: TaskResult
      if (this.location === undefined) {
        this.running = { task, worker: undefined }
        result = await runTask(this.store, task, onProgress)
      } else {
        const worker = runInWorker(this.location, task, onProgress)
        this.running = { task, worker }
        result = await worker.result
      }
      const seconds = Math.round(performance.now() - started) / 1000
      if (result.kind === 'train' && !result.ok)
        this.logger.warn('training failed', { job: jobId, error: result.error })
      else this.logger.info(`predictive ${task.kind} done`, { job: jobId, seconds, ...result })
      return result
    } catch (error) {
      this.logger.error(`predictive ${task.kind} failed`, { job: jobId, error })
      if (jobId !== undefined && !this.closed)
        await this.store
          .updateTrainingJob({
            id: jobId,
            at: this.clock.now(),
            status: 'failed',
            step: 'failed',
            error: error instanceof Error ? error.message : String(error),
          })
          .catch(() => {})
      throw error
    } finally {
      clearInterval(heartbeat)
      await writing
      this.running = undefined
    }
  }
}
