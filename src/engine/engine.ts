/**
 * The scoring service: the one place where the pure core meets the store. It ingests
 * messages (group-committed, durable when acknowledged), rescores contacts and accounts in
 * real time with every published model, rescores them again when time alone changes their
 * classes, versions models (draft, preview, publish with retroactive rescoring, rollback),
 * and answers reads that need scoring (a contact as of now).
 * @module
 */
import type { CompiledModel, Properties } from '../core/index.js'
import type { Issue } from '../core/model/index.js'
import type { ApiText } from '../i18n/api.js'
import type { AccountRecord, ContactRecord, ModelRecord, Store } from '../store/index.js'
import {
  type AssignmentRule,
  assignmentCounts,
  parseAssignmentRule,
  readAssignmentRule,
  weekStart,
  writeAssignmentRule,
} from './assignment.js'
import type { Clock } from './clock.js'
import { type Acknowledge, commitOps, type OpOutcome, type QueuedOp } from './commit-ops.js'
import { type ContactDetail, contactDetail } from './contact-view.js'
import { defaultModelSource } from './default-model.js'
import {
  ConflictError,
  EngineClosedError,
  InvalidRequestError,
  NotFoundError,
  QueueFullError,
} from './errors.js'
import { GroupCommitQueue } from './group-commit-queue.js'
import { type KeyRing, KeyRing as KeyRingImpl, type StaticKeys } from './key-ring.js'
import { type Logger, logRetriedFailure, silentLogger } from './logger.js'
import type { MessageType } from './message-schema.js'
import { LATENCY_BUCKETS, MetricsRegistry } from './metrics.js'
import { compileSource, ModelRegistry, type PublishedModel } from './models.js'
import { type BatchFields, type IngestOp, normalizeMessage } from './normalize.js'
import { afterCommit } from './predictive/triggers.js'
import { type PreviewResult, PreviewSnapshots, type PreviewSnapshotsOptions } from './preview.js'
import { type PublishJob, startPublishJob } from './publish-job.js'
import { RescoreBacklog } from './rescore-backlog.js'
import { type TickResult, TimeRescorer } from './time-rescorer.js'
import type { RetryPolicy } from './webhooks/backoff.js'
import { WebhookRegistry } from './webhooks/registry.js'
import { WebhookSender } from './webhooks/sender.js'
import { WebhookService } from './webhooks/service.js'

export interface EngineOptions {
  readonly store: Store
  /** What time it is: scores are computed as of `clock.now()`. */
  readonly clock: Clock
  readonly logger?: Logger | undefined
  /**
   * The model published as primary when the store has no model at all. Default: the bundled
   * `examples/b2b-saas.yaml`; `null`: none.
   */
  readonly defaultModel?: string | null | undefined
  /** Keys from the environment, besides those in the store. */
  readonly staticKeys?: StaticKeys | undefined
  /** How often due contacts are rescored, ms (default 5000; 0: only when `tick()` is called). */
  readonly tickIntervalMs?: number | undefined
  /** The most messages waiting to be written before ingestion answers "try again" (default 100,000). */
  readonly maxPending?: number | undefined
  /** The most messages per commit (default 5,000). */
  readonly maxBatch?: number | undefined
  /** Shared metrics (the server adds its own to it). Default: a new registry. */
  readonly metrics?: MetricsRegistry | undefined
  /**
   * When `ingest` resolves: `scored` (default) once the messages are stored and their
   * contacts rescored, in one transaction; `stored` once they are stored, with the rescoring
   * owed recorded in the same transaction and done right after (`settled()` waits for it).
   * `stored` keeps storing fast under load: a contact busy with events is rescored once for
   * all those that arrived meanwhile.
   */
  readonly acknowledge?: Acknowledge | undefined
  /** With `stored`: the most contacts waiting to be rescored before ingestion answers "try again" (default 50,000). */
  readonly maxOwed?: number | undefined
  /** The webhook sender (default: on, with the default retry policy); `false`: no sending from this process. */
  readonly webhooks?: WebhookSenderSettings | false | undefined
  /** When the model preview reads its snapshot of the contacts again (see `PreviewSnapshots`). */
  readonly preview?: Omit<PreviewSnapshotsOptions, 'logger'> | undefined
}

/** How this process sends webhooks. */
export interface WebhookSenderSettings {
  readonly policy?: Partial<RetryPolicy> | undefined
  /** Deliveries in flight at once (default 32). */
  readonly concurrency?: number | undefined
  /** Outbox polling when nothing wakes the sender, ms (default 500). */
  readonly pollIntervalMs?: number | undefined
  /** Days delivered deliveries are kept (default 14). */
  readonly retentionDays?: number | undefined
}

export interface IngestOptions {
  /** The message type of a single-message route (`/v1/track`, ...): overrides the message's. */
  readonly type?: MessageType | undefined
  /** The batch's `sentAt` and `context`, applied to each message. */
  readonly batch?: BatchFields | undefined
  /** The API key that sent the messages (recorded as the cause of the changes they make). */
  readonly keyId?: string | undefined
}

/** A message that was refused, and why. */
export interface Rejection {
  /** Its position in the request. */
  readonly index: number
  readonly messageId: string | null
  /** Why, in English. */
  readonly reason: string
  /** Why, as a text of the `api` catalog (the server says it in the reader's language). */
  readonly text?: ApiText | undefined
}

/** What an ingest call did. Every accepted message and duplicate is durable when it resolves. */
export interface IngestResult {
  readonly received: number
  /** Messages stored or applied. */
  readonly accepted: number
  /** Messages already stored (same message id): nothing changed. */
  readonly duplicates: number
  readonly rejected: number
  readonly rejections: readonly Rejection[]
}

/** A native contact write (`POST /api/contacts`). Absent fields keep their value; null clears. */
export interface ContactUpsert {
  readonly id: string
  /** Merged into the stored properties key by key (replaced with `replaceProperties`). */
  readonly properties?: Properties | undefined
  readonly replaceProperties?: boolean | undefined
  readonly accountId?: string | null | undefined
  /** The lifecycle stage, set by a person or the CRM (one of the primary model's stages). */
  readonly stage?: string | null | undefined
  readonly owner?: string | null | undefined
}

/** The owner assignment rule and how many MQLs each owner got this week. */
export interface AssignmentView {
  readonly rule: AssignmentRule | null
  /** Monday 00:00 UTC of this week (epoch ms). */
  readonly weekStart: number
  readonly counts: Readonly<Record<string, number>>
}

/** A draft stored by `createDraft`, and the warnings of its source. */
export interface DraftResult {
  readonly model: ModelRecord
  readonly warnings: readonly Issue[]
}

/** The scoring service. Create it with {@link createEngine}; close it when done. */
export interface Engine {
  readonly store: Store
  readonly clock: Clock
  readonly logger: Logger
  readonly keys: KeyRing
  readonly metrics: MetricsRegistry
  /** Messages waiting to be written. */
  readonly queueDepth: number

  /**
   * Validates and ingests Segment-spec messages. Resolves once the accepted ones are
   * committed and their contacts rescored; rejects with `QueueFullError` when too much is
   * waiting. Invalid messages are reported in `rejections`, never thrown.
   */
  ingest(messages: readonly unknown[], options?: IngestOptions): Promise<IngestResult>
  /** Creates or changes contacts (native API) and rescores them. */
  upsertContacts(
    contacts: readonly ContactUpsert[],
    options?: { keyId?: string | undefined },
  ): Promise<ContactRecord[]>
  /**
   * Merges contact `from` into `into` (a duplicate): its events, anonymous ids, missing
   * properties, account and owner move; the later stage stays; `into` is rescored from all its
   * events. Later messages for `from` go to `into`. Returns `into` as stored.
   */
  mergeContacts(from: string, into: string, options?: { keyId?: string | undefined }): Promise<ContactRecord>
  /**
   * Creates or changes accounts (properties merged key by key) and rescores the members of
   * those whose properties changed, and the accounts.
   */
  upsertAccounts(
    accounts: readonly { readonly id: string; readonly properties: Properties }[],
    options?: { keyId?: string | undefined },
  ): Promise<AccountRecord[]>
  /**
   * Resolves when the rescoring owed for what this process acknowledged so far is done (at
   * once when acknowledging once scored).
   */
  settled(): Promise<void>
  /** Rescores the contacts whose next change has come (as of `now`, default the clock's). */
  tick(now?: number): Promise<TickResult>
  /** A contact scored as of now, with its ledger, timeline and history. Throws `NotFoundError`. */
  contact(
    id: string,
    options?: { model?: string | undefined; limit?: number | undefined },
  ): Promise<ContactDetail>

  /** The published models, primary first. */
  publishedModels(): readonly PublishedModel[]
  /** The primary model (throws `NotFoundError` when none is published). */
  primaryModel(): PublishedModel
  /** The published model `id`, else the primary (throws `NotFoundError`). */
  modelFor(id?: string | undefined): PublishedModel
  /** Validates a model source and stores it as a new draft version of its `id`. */
  createDraft(source: string, options?: { id?: string | undefined }): Promise<DraftResult>
  /** Scores every stored contact with a version (default: the latest) and compares. */
  previewModel(id: string, version?: number | undefined): Promise<PreviewResult>
  /**
   * Scores every stored contact with a compiled model (an unsaved draft: `version` is the one
   * it would get) and compares with the published version of its id, else the primary model.
   * The contacts and events are read once and kept: a preview is answered from the snapshot it
   * has (`snapshotAt`), which is read again in the background once it is a minute old.
   */
  previewCompiled(target: {
    readonly id: string
    readonly version: number
    readonly compiled: CompiledModel
  }): Promise<PreviewResult>
  /** Publishes a version and starts rescoring every contact with it. */
  publishModel(id: string, version: number, options?: { primary?: boolean | undefined }): Promise<PublishJob>
  /** Publishes an earlier version again (default: the one published before the current one). */
  rollbackModel(id: string, version?: number | undefined): Promise<PublishJob>
  /** Stops scoring with a version (a shadow model). The primary model cannot be archived. */
  archiveModel(id: string, version: number): Promise<ModelRecord>
  /** The publish jobs of this process, newest first. */
  publishJobs(): readonly PublishJob[]

  /** Webhook endpoints and their deliveries. */
  readonly webhooks: WebhookService
  /** The owner assignment rule (null: none) and this week's assignments per owner. */
  assignment(): Promise<AssignmentView>
  /** Sets (null: removes) the owner assignment rule. */
  setAssignment(rule: unknown): Promise<AssignmentView>

  /**
   * Waits for queued messages to be committed, stops the timers and publish jobs (resumed at
   * the next start), gives back leases. Does not close the store.
   */
  close(): Promise<void>
}

/** Creates and starts the engine: loads the published models (publishing the default one on an empty store), resumes interrupted publishes, starts the timers. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const engine = new ScoringEngine(options)
  await engine.start(options.defaultModel === undefined ? defaultModelSource() : options.defaultModel)
  return engine
}

class ScoringEngine implements Engine {
  readonly store: Store
  readonly clock: Clock
  readonly logger: Logger
  readonly keys: KeyRing
  readonly metrics: MetricsRegistry
  private readonly models: ModelRegistry
  private readonly queue: GroupCommitQueue<QueuedOp, OpOutcome>
  private readonly rescorer: TimeRescorer
  private readonly backlog: RescoreBacklog
  private readonly acknowledge: Acknowledge
  private readonly maxOwed: number
  private readonly jobs: PublishJob[] = []
  readonly webhooks: WebhookService
  private readonly previews: PreviewSnapshots
  private readonly registry: WebhookRegistry
  private readonly sender: WebhookSender | undefined
  private readonly tickIntervalMs: number
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<unknown> | undefined
  private closed = false
  private readonly stopping = new AbortController()
  private readonly counters
  private outbox = { pending: 0, dead: 0 }

  constructor(options: EngineOptions) {
    this.store = options.store
    this.clock = options.clock
    this.logger = options.logger ?? silentLogger
    this.metrics = options.metrics ?? new MetricsRegistry()
    this.keys = new KeyRingImpl(this.store, this.clock, this.logger, options.staticKeys)
    this.models = new ModelRegistry(this.store, this.logger)
    this.tickIntervalMs = options.tickIntervalMs ?? 5000
    this.acknowledge = options.acknowledge ?? 'scored'
    this.maxOwed = options.maxOwed ?? 50_000
    const m = this.metrics
    this.counters = {
      accepted: m.counter('leadscore_events_accepted_total', 'Messages accepted (stored or applied)'),
      rejected: m.counter('leadscore_events_rejected_total', 'Messages rejected as invalid'),
      duplicates: m.counter(
        'leadscore_events_deduplicated_total',
        'Messages already stored (same message id), not stored again',
      ),
      rescored: m.counter('leadscore_contacts_rescored_total', 'Contacts rescored, by cause'),
      commits: m.counter('leadscore_ingest_commits_total', 'Ingest transactions committed'),
      wait: m.histogram(
        'leadscore_ingest_wait_seconds',
        'Time from a request handing its messages to the queue until they are committed',
      ),
      commit: m.histogram(
        'leadscore_ingest_commit_seconds',
        'Duration of one ingest transaction',
        LATENCY_BUCKETS,
      ),
      delay: m.histogram(
        'leadscore_rescore_delay_seconds',
        'Time from storing a change to rescoring its contact (acknowledging once stored)',
        LATENCY_BUCKETS,
      ),
      lag: 0,
    }
    m.gauge('leadscore_ingest_queue_depth', 'Messages waiting to be written', () => this.queue.pending)
    m.gauge(
      'leadscore_rescore_lag_seconds',
      'How late the most overdue time-based rescore was at the last tick',
      () => this.counters.lag / 1000,
    )
    this.queue = new GroupCommitQueue<QueuedOp, OpOutcome>({
      commit: (ops) => this.commit(ops),
      maxPending: options.maxPending ?? 100_000,
      maxBatch: options.maxBatch ?? 5000,
      onCommit: ({ ms, waits }) => {
        this.counters.commits.inc()
        this.counters.commit.observe(ms / 1000)
        for (const w of waits) this.counters.wait.observe(w / 1000)
      },
    })
    this.previews = new PreviewSnapshots(this.store, { ...options.preview, logger: this.logger })
    this.registry = new WebhookRegistry(this.store, this.logger)
    this.webhooks = new WebhookService(this.store, this.clock, async () => {
      await this.registry.refresh()
      this.sender?.wake()
    })
    this.sender =
      options.webhooks === false
        ? undefined
        : new WebhookSender({
            store: this.store,
            clock: this.clock,
            logger: this.logger,
            metrics: this.metrics,
            policy: options.webhooks?.policy,
            concurrency: options.webhooks?.concurrency,
            pollIntervalMs: options.webhooks?.pollIntervalMs,
            retentionDays: options.webhooks?.retentionDays,
            endpoint: (id) => this.registry.endpoint(id),
          })
    m.gauge(
      'leadscore_webhook_outbox_pending',
      'Webhook deliveries waiting in the outbox',
      () => this.outbox.pending,
    )
    m.gauge('leadscore_webhook_outbox_dead', 'Webhook deliveries dead-lettered', () => this.outbox.dead)
    m.gauge(
      'leadscore_rescore_backlog',
      'Contacts waiting in this process to be rescored after their changes were stored',
      () => this.backlog.size,
    )
    this.backlog = new RescoreBacklog({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      models: this.models,
      webhooks: this.registry,
      onRescored: (n, waits) => {
        this.counters.rescored.inc(n, { cause: 'ingest' })
        for (const w of waits) this.counters.delay.observe(w / 1000)
        this.sender?.wake()
      },
    })
    this.rescorer = new TimeRescorer({
      store: this.store,
      logger: this.logger,
      models: this.models,
      webhooks: this.registry,
      onRescored: (n) => this.counters.rescored.inc(n, { cause: 'time' }),
    })
  }

  get queueDepth(): number {
    return this.queue.pending
  }

  async start(defaultModel: string | null): Promise<void> {
    await this.models.refresh()
    await this.registry.refresh()
    if (defaultModel !== null && (await this.store.listModels()).length === 0) {
      const { compiled } = compileSource(defaultModel)
      const draft = await this.store.createModelVersion({
        id: compiled.id,
        source: defaultModel,
        createdAt: this.clock.now(),
      })
      await this.store.publishModel({
        id: draft.id,
        version: draft.version,
        primary: true,
        at: this.clock.now(),
      })
      await this.models.refresh()
      this.logger.info('published the default model as the primary model', {
        model: draft.id,
        version: draft.version,
      })
    }
    for (const model of this.models.published) {
      const stale = await this.store.staleContacts({
        model: model.record.id,
        version: model.record.version,
        limit: 1,
      })
      if (stale.length > 0) {
        this.logger.info('resuming rescoring of contacts not yet scored by a published model', {
          model: model.record.id,
          version: model.record.version,
        })
        this.jobs.unshift(startPublishJob(this.jobDeps(), model))
      }
    }
    // rescores owed from before (a crash, a stop while the store was out of reach)
    const owed = await this.backlog.sweep()
    if (owed > 0)
      this.logger.info('rescoring contacts whose changes were stored but not yet scored', { contacts: owed })
    if (this.tickIntervalMs > 0) {
      this.timer = setInterval(() => this.backgroundTick(), this.tickIntervalMs)
      this.timer.unref()
    }
    this.sender?.start()
  }

  private backgroundTick(): void {
    if (this.ticking || this.closed) return
    this.ticking = (async () => {
      await this.models.refresh()
      await this.registry.refresh()
      this.outbox = await this.store.outboxStats()
      const result = await this.tick()
      if (result.rescored > 0) this.logger.debug('rescored contacts due to time', { ...result })
      // rescores owed in this process's partitions that no one is doing (another process stopped)
      await this.backlog.sweep(await this.rescorer.partitions())
    })()
      .catch((error: unknown) =>
        logRetriedFailure(this.logger, 'time-based rescoring failed; retrying at the next tick', error),
      )
      .finally(() => {
        this.ticking = undefined
      })
  }

  private jobDeps() {
    return {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      models: this.models,
      signal: this.stopping.signal,
      webhooks: this.registry,
      onPage: () => this.sender?.wake(),
    }
  }

  // ingestion

  async ingest(messages: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
    if (this.closed) throw new EngineClosedError()
    const receivedAt = this.clock.now()
    const rejections: Rejection[] = []
    const queued: QueuedOp[] = []
    messages.forEach((raw, index) => {
      const n = normalizeMessage(raw, receivedAt, options.batch, options.type)
      if (n.ok) queued.push({ op: n.op, keyId: options.keyId })
      else rejections.push({ index, messageId: n.messageId, reason: n.reason, text: n.text })
    })
    if (rejections.length > 0) this.counters.rejected.inc(rejections.length)
    if (this.acknowledge === 'stored' && queued.length > 0 && this.backlog.size >= this.maxOwed) {
      const retry = Math.min(30, Math.max(1, Math.ceil(this.backlog.size / 10_000)))
      throw new QueueFullError(this.backlog.size, this.maxOwed, retry, 'rescore')
    }
    const outcomes = await this.queue.submit(queued)
    let accepted = 0
    let duplicates = 0
    for (const o of outcomes) {
      if (o === 'duplicate') duplicates++
      else accepted++
    }
    this.counters.accepted.inc(accepted)
    this.counters.duplicates.inc(duplicates)
    return { received: messages.length, accepted, duplicates, rejected: rejections.length, rejections }
  }

  async upsertContacts(
    contacts: readonly ContactUpsert[],
    options: { keyId?: string | undefined } = {},
  ): Promise<ContactRecord[]> {
    if (this.closed) throw new EngineClosedError()
    const stages = this.models.primary?.compiled.stages.map((s) => s.id) ?? []
    const at = this.clock.now()
    const ops = contacts.map((c, i): QueuedOp => {
      if (c.stage !== undefined && c.stage !== null && stages.length > 0 && !stages.includes(c.stage)) {
        throw new InvalidRequestError(
          { key: 'contact.stage', values: { index: String(i), stage: JSON.stringify(c.stage) } },
          { hint: { key: 'contact.stage.hint', values: { stages: stages.join(', ') } } },
        )
      }
      const op: IngestOp = {
        kind: 'contact',
        messageId: `contact:${c.id}:${at}`,
        contactId: c.id,
        properties: c.properties,
        replaceProperties: c.replaceProperties === true,
        accountId: c.accountId,
        stage: c.stage,
        owner: c.owner,
        at,
      }
      return { op, keyId: options.keyId }
    })
    await this.queue.submit(ops)
    const stored = await this.store.getContacts(contacts.map((c) => c.id))
    return stored
  }

  async mergeContacts(
    from: string,
    into: string,
    options: { keyId?: string | undefined } = {},
  ): Promise<ContactRecord> {
    if (this.closed) throw new EngineClosedError()
    if (from === into)
      throw new InvalidRequestError({ key: 'merge.self' }, { hint: { key: 'merge.self.hint' } })
    const known = new Map((await this.store.getContacts([from, into])).map((c) => [c.id, c]))
    for (const [id, role] of [
      [from, 'from'],
      [into, 'into'],
    ] as const) {
      if (!known.has(id))
        throw new NotFoundError(
          { key: 'merge.none', values: { id: JSON.stringify(id), role } },
          { key: 'merge.none.hint' },
        )
    }
    const redirected = await this.store.mergedInto([from, into])
    const gone = redirected.get(from) ?? redirected.get(into)
    if (gone !== undefined) {
      const id = redirected.has(from) ? from : into
      throw new ConflictError(
        { key: 'merge.done', values: { id: JSON.stringify(id), into: JSON.stringify(gone) } },
        { key: 'merge.done.hint', values: { into: JSON.stringify(gone) } },
      )
    }
    const at = this.clock.now()
    const op: IngestOp = {
      kind: 'merge',
      messageId: `merge:${from}:${into}:${at}`,
      from,
      contactId: into,
      at,
    }
    await this.queue.submit([{ op, keyId: options.keyId }])
    this.logger.info('contacts merged', { from, into })
    const [stored] = await this.store.getContacts([into])
    return stored!
  }

  async upsertAccounts(
    accounts: readonly { readonly id: string; readonly properties: Properties }[],
    options: { keyId?: string | undefined } = {},
  ): Promise<AccountRecord[]> {
    if (this.closed) throw new EngineClosedError()
    const at = this.clock.now()
    const ops = accounts.map(
      (a): QueuedOp => ({
        op: { kind: 'account', messageId: `account:${a.id}:${at}`, account: a, at },
        keyId: options.keyId,
      }),
    )
    await this.queue.submit(ops)
    const stored: AccountRecord[] = []
    for (const a of accounts) {
      const record = await this.store.getAccount(a.id)
      if (record) stored.push(record)
    }
    return stored
  }

  private async commit(ops: readonly QueuedOp[]): Promise<OpOutcome[]> {
    const primary = this.models.primary
    const options = {
      models: this.models.published,
      primaryId: primary?.record.id,
      accountKey: primary?.compiled.accounts?.key ?? 'account_id',
      now: this.clock.now(),
      webhooks: this.registry,
      partitionCount: this.store.partitionCount,
      acknowledge: this.acknowledge,
    }
    const summary = await this.store.transaction((tx) => commitOps(tx, ops, options))
    afterCommit(this.store, ops) // accounts, merges, identified visitors: their likelihoods again
    this.sender?.wake()
    if (summary.rescored > 0) this.counters.rescored.inc(summary.rescored, { cause: 'ingest' })
    if (summary.owed.length > 0) this.backlog.add(summary.owed)
    return summary.outcomes
  }

  settled(): Promise<void> {
    return this.backlog.settled()
  }

  async tick(now?: number): Promise<TickResult> {
    const result = await this.rescorer.tick(now ?? this.clock.now(), 5000, this.stopping.signal)
    this.counters.lag = result.lagMs
    if (result.rescored > 0) this.sender?.wake()
    return result
  }

  // reads

  async contact(
    id: string,
    options: { model?: string | undefined; limit?: number | undefined } = {},
  ): Promise<ContactDetail> {
    const model = this.modelFor(options.model)
    // a contact merged into another is read as the one it was merged into
    const current = (await this.store.mergedInto([id])).get(id) ?? id
    const detail = await contactDetail(this.store, model, current, this.clock.now(), options.limit)
    if (detail === undefined) {
      throw new NotFoundError(
        { key: 'contact.none', values: { id: JSON.stringify(id) } },
        { key: 'contact.none.hint' },
      )
    }
    return detail
  }

  // models

  publishedModels(): readonly PublishedModel[] {
    return this.models.published
  }

  primaryModel(): PublishedModel {
    const primary = this.models.primary
    if (!primary) throw new NotFoundError({ key: 'model.nonePublished' }, { key: 'model.nonePublished.hint' })
    return primary
  }

  modelFor(id?: string): PublishedModel {
    if (id === undefined || id === '') return this.primaryModel()
    const model = this.models.find(id)
    if (!model) {
      const ids = this.models.published.map((m) => m.record.id)
      throw new NotFoundError(
        { key: 'model.notPublished', values: { id: JSON.stringify(id) } },
        { key: 'model.notPublished.hint', values: { ids: ids.join(', '), count: ids.length } },
      )
    }
    return model
  }

  async createDraft(source: string, options: { id?: string | undefined } = {}): Promise<DraftResult> {
    const { compiled, warnings } = compileSource(source)
    if (options.id !== undefined && options.id !== compiled.id) {
      throw new InvalidRequestError(
        {
          key: 'model.otherId',
          values: { id: JSON.stringify(compiled.id), asked: JSON.stringify(options.id) },
        },
        { hint: { key: 'model.otherId.hint', values: { asked: options.id, id: compiled.id } } },
      )
    }
    const model = await this.store.createModelVersion({
      id: compiled.id,
      source,
      createdAt: this.clock.now(),
    })
    this.logger.info('model draft created', { model: model.id, version: model.version })
    return { model, warnings }
  }

  private async version(id: string, version: number | undefined): Promise<ModelRecord> {
    if (version === undefined) {
      const latest = (await this.store.listModelVersions(id)).at(-1)
      if (!latest)
        throw new NotFoundError(
          { key: 'model.none', values: { id: JSON.stringify(id) } },
          { key: 'model.none.hint' },
        )
      return latest
    }
    const record = await this.store.getModel(id, version)
    if (!record)
      throw new NotFoundError(
        { key: 'model.noVersion', values: { id: JSON.stringify(id), version: String(version) } },
        { key: 'model.noVersion.hint', values: { model: id } },
      )
    return record
  }

  async previewModel(id: string, version?: number): Promise<PreviewResult> {
    const record = await this.version(id, version)
    const { compiled } = compileSource(record.source)
    return this.previewCompiled({ id: record.id, version: record.version, compiled })
  }

  async previewCompiled(target: {
    readonly id: string
    readonly version: number
    readonly compiled: CompiledModel
  }): Promise<PreviewResult> {
    const base = this.models.find(target.id) ?? this.models.primary
    const baseline = base ? { id: base.record.id, version: base.record.version } : null
    return this.previews.preview(this.clock.now(), target, baseline)
  }

  async publishModel(
    id: string,
    version: number,
    options: { primary?: boolean | undefined } = {},
  ): Promise<PublishJob> {
    const record = await this.version(id, version)
    compileSource(record.source)
    const running = this.jobs.find((j) => j.model === id && j.status === 'running' && j.version === version)
    if (running) return running
    await this.store.publishModel({ id, version, primary: options.primary, at: this.clock.now() })
    await this.models.refresh()
    const model = this.models.find(id)
    if (!model) throw new ConflictError({ key: 'model.unusable', values: { id, version: String(version) } })
    this.logger.info('model published; rescoring every contact', {
      model: id,
      version,
      primary: model.record.primary,
    })
    const job = startPublishJob(this.jobDeps(), model)
    this.jobs.unshift(job)
    this.jobs.length = Math.min(this.jobs.length, 50)
    return job
  }

  async rollbackModel(id: string, version?: number): Promise<PublishJob> {
    const versions = await this.store.listModelVersions(id)
    if (versions.length === 0)
      throw new NotFoundError({ key: 'model.none', values: { id: JSON.stringify(id) } })
    const current = versions.find((v) => v.status === 'published')
    let target: ModelRecord | undefined
    if (version !== undefined) {
      target = versions.find((v) => v.version === version)
      if (!target)
        throw new NotFoundError({
          key: 'model.noVersion',
          values: { id: JSON.stringify(id), version: String(version) },
        })
    } else {
      target = versions
        .filter(
          (v) =>
            v.publishedAt !== null &&
            v.status !== 'published' &&
            (current === undefined || v.version < current.version),
        )
        .at(-1)
      if (!target) {
        throw new ConflictError(
          { key: 'model.noRollback', values: { id: JSON.stringify(id) } },
          { key: 'model.noRollback.hint' },
        )
      }
    }
    return this.publishModel(id, target.version, { primary: current?.primary })
  }

  async archiveModel(id: string, version: number): Promise<ModelRecord> {
    const record = await this.version(id, version)
    if (record.primary) {
      throw new ConflictError(
        { key: 'model.primary', values: { id, version: String(version) } },
        { key: 'model.primary.hint' },
      )
    }
    const archived = await this.store.archiveModel(id, version)
    await this.models.refresh()
    return archived
  }

  publishJobs(): readonly PublishJob[] {
    return this.jobs
  }

  // hand-off

  async assignment(): Promise<AssignmentView> {
    const now = this.clock.now()
    return {
      rule: await readAssignmentRule(this.store),
      weekStart: weekStart(now),
      counts: await assignmentCounts(this.store, now),
    }
  }

  async setAssignment(rule: unknown): Promise<AssignmentView> {
    const parsed = rule === null ? null : parseAssignmentRule(rule)
    await this.store.transaction((tx) => writeAssignmentRule(tx, parsed, this.clock.now()))
    this.logger.info(parsed === null ? 'owner assignment removed' : 'owner assignment set', { ...parsed })
    return this.assignment()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.stopping.abort()
    this.previews.close()
    await this.queue.close()
    await this.backlog.close()
    await this.ticking
    await Promise.all(this.jobs.map((j) => j.done))
    await this.sender?.stop()
    try {
      await this.rescorer.release()
    } catch (error) {
      this.logger.warn('could not give back the scoring leases; they expire on their own', { error })
    }
  }
}
