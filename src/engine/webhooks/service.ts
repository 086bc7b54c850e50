/**
 * Webhook management for the API and the CLI: endpoints (validated, with their secret shown
 * only when created or rotated), the delivery log, redelivery.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { StoreInputError } from '../../store/errors.js'
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointRecord,
  EndpointStatus,
  Store,
  WebhookEventType,
} from '../../store/index.js'
import { WEBHOOK_EVENT_TYPES } from '../../store/records/webhook.js'
import type { Clock } from '../clock.js'
import { InvalidRequestError, NotFoundError } from '../errors.js'
import { compileFilter } from './filter.js'
import { newWebhookSecret } from './signature.js'

/** An endpoint as the API shows it: the secret is shown only when created or rotated. */
export interface EndpointView {
  readonly id: string
  readonly url: string
  readonly types: readonly WebhookEventType[]
  readonly filter: unknown
  readonly model: string | null
  readonly description: string | null
  readonly status: EndpointStatus
  /** The secret's last four characters, to tell secrets apart. */
  readonly secretHint: string
  /** While a rotated-out secret is still valid (signatures carry both). */
  readonly previousSecretValidUntil: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface EndpointInput {
  readonly url: string
  readonly types: readonly string[]
  readonly filter?: unknown
  readonly model?: string | null | undefined
  readonly description?: string | null | undefined
}

export interface EndpointChange {
  readonly url?: string | undefined
  readonly types?: readonly string[] | undefined
  readonly filter?: unknown
  readonly model?: string | null | undefined
  readonly description?: string | null | undefined
  readonly status?: EndpointStatus | undefined
}

export interface DeliveryPage {
  readonly deliveries: readonly DeliveryRecord[]
  /** Pass as `before` for the next (older) page; null at the end. */
  readonly nextCursor: number | null
}

const ID_CHARS = /^[A-Za-z0-9_.:-]{1,128}$/

function view(e: EndpointRecord, now: number): EndpointView {
  return {
    id: e.id,
    url: e.url,
    types: e.types,
    filter: e.filter,
    model: e.modelId,
    description: e.description,
    status: e.status,
    secretHint: `…${e.secret.slice(-4)}`,
    previousSecretValidUntil:
      e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt > now
        ? e.previousSecretExpiresAt
        : null,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  }
}

function checkTypes(types: unknown): WebhookEventType[] {
  if (!Array.isArray(types) || types.length === 0) {
    throw new InvalidRequestError(
      { key: 'webhook.types' },
      { hint: { key: 'webhook.types.hint', values: { types: WEBHOOK_EVENT_TYPES.join(', ') } } },
    )
  }
  return types.map((t, i) => {
    if (!(WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(t)) {
      throw new InvalidRequestError(
        { key: 'webhook.type', values: { index: String(i), value: JSON.stringify(t) } },
        { hint: { key: 'webhook.type.hint', values: { types: WEBHOOK_EVENT_TYPES.join(', ') } } },
      )
    }
    return t as WebhookEventType
  })
}

function checkUrl(url: unknown): string {
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InvalidRequestError(
      { key: 'webhook.url', values: { value: JSON.stringify(url) } },
      { hint: { key: 'webhook.url.hint' } },
    )
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new InvalidRequestError(
      { key: 'webhook.urlCredentials' },
      { hint: { key: 'webhook.urlCredentials.hint' } },
    )
  }
  return url as string
}

function checkModel(model: unknown): string | null {
  if (model === undefined || model === null || model === '') return null
  if (typeof model !== 'string' || !ID_CHARS.test(model))
    throw new InvalidRequestError(
      { key: 'webhook.model', values: { value: JSON.stringify(model) } },
      { hint: { key: 'webhook.model.hint' } },
    )
  return model
}

/** Runs a store call, turning its input errors into `InvalidRequestError`. */
async function input<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof StoreInputError) throw new InvalidRequestError(error.text ?? error.message)
    throw error
  }
}

export class WebhookService {
  private readonly store: Store
  private readonly clock: Clock
  private readonly changed: () => Promise<void>

  /** `changed` runs after every change of an endpoint (the engine reloads its registry). */
  constructor(store: Store, clock: Clock, changed: () => Promise<void> = async () => {}) {
    this.store = store
    this.clock = clock
    this.changed = changed
  }

  async list(): Promise<EndpointView[]> {
    const now = this.clock.now()
    return (await this.store.listEndpoints()).map((e) => view(e, now))
  }

  async get(id: string): Promise<EndpointView> {
    return view(await this.record(id), this.clock.now())
  }

  private async record(id: string): Promise<EndpointRecord> {
    const e = await this.store.getEndpoint(id)
    if (!e)
      throw new NotFoundError(
        { key: 'webhook.none', values: { id: JSON.stringify(id) } },
        { key: 'webhook.none.hint' },
      )
    return e
  }

  /** Creates an endpoint; the secret is returned once. */
  async create(request: EndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
    const url = checkUrl(request.url)
    const types = checkTypes(request.types)
    const filter = request.filter === undefined || request.filter === null ? null : request.filter
    if (filter !== null) compileFilter(filter)
    const secret = newWebhookSecret()
    const now = this.clock.now()
    const record = await input(() =>
      this.store.createEndpoint({
        id: `wh_${randomBytes(8).toString('hex')}`,
        url,
        types,
        filter: typeof filter === 'string' ? normalizedFilter(filter) : filter,
        modelId: checkModel(request.model),
        description: request.description ?? null,
        secret,
        createdAt: now,
      }),
    )
    await this.changed()
    return { endpoint: view(record, now), secret }
  }

  async update(id: string, change: EndpointChange): Promise<EndpointView> {
    await this.record(id)
    let filter: unknown
    if ('filter' in change && change.filter !== undefined) {
      filter = change.filter
      if (filter !== null) {
        compileFilter(filter)
        if (typeof filter === 'string') filter = normalizedFilter(filter)
      }
    }
    if (change.status !== undefined && change.status !== 'active' && change.status !== 'paused') {
      throw new InvalidRequestError(
        { key: 'webhook.status', values: { value: JSON.stringify(change.status) } },
        { hint: { key: 'webhook.status.hint' } },
      )
    }
    const now = this.clock.now()
    const record = await input(() =>
      this.store.updateEndpoint(id, {
        url: change.url === undefined ? undefined : checkUrl(change.url),
        types: change.types === undefined ? undefined : checkTypes(change.types),
        filter,
        modelId: change.model === undefined ? undefined : checkModel(change.model),
        description: change.description,
        status: change.status,
        at: now,
      }),
    )
    await this.changed()
    return view(record, now)
  }

  async remove(id: string): Promise<void> {
    await this.record(id)
    await this.store.deleteEndpoint(id)
    await this.changed()
  }

  /** A new secret; the current one stays valid for `graceHours` (default 24), signatures carrying both. */
  async rotateSecret(id: string, graceHours = 24): Promise<{ endpoint: EndpointView; secret: string }> {
    if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 24 * 30) {
      throw new InvalidRequestError(
        { key: 'webhook.grace', values: { value: String(graceHours) } },
        { hint: { key: 'webhook.grace.hint' } },
      )
    }
    await this.record(id)
    const now = this.clock.now()
    const secret = newWebhookSecret()
    const record = await this.store.updateEndpoint(id, {
      secret,
      previousSecretExpiresAt: now + Math.round(graceHours * 3_600_000),
      at: now,
    })
    await this.changed()
    return { endpoint: view(record, now), secret }
  }

  /** An endpoint's deliveries, newest first, in pages. */
  async deliveries(
    endpointId: string,
    query: {
      status?: DeliveryStatus | undefined
      before?: number | undefined
      limit?: number | undefined
    } = {},
  ): Promise<DeliveryPage> {
    await this.record(endpointId)
    const limit = Math.min(Math.max(1, query.limit ?? 50), 500)
    const list = await input(() =>
      this.store.listDeliveries({
        endpointId,
        status: query.status,
        beforeSeq: query.before,
        limit: limit + 1,
      }),
    )
    const page = list.slice(0, limit)
    return { deliveries: page, nextCursor: list.length > limit ? page.at(-1)!.seq : null }
  }

  /** One delivery with its attempts. */
  async delivery(id: string): Promise<DeliveryRecord & { attempts: number; log: AttemptRecord[] }> {
    const d = await this.store.getDelivery(id)
    if (!d) throw new NotFoundError({ key: 'webhook.delivery.none', values: { id: JSON.stringify(id) } })
    return { ...d, log: await this.store.deliveryAttempts(id) }
  }

  /** Sends a delivery again (a dead letter, or a delivered one the receiver lost), now. */
  async redeliver(id: string): Promise<DeliveryRecord> {
    const d = await this.store.getDelivery(id)
    if (!d) throw new NotFoundError({ key: 'webhook.delivery.none', values: { id: JSON.stringify(id) } })
    const again = await this.store.redeliver(id, this.clock.now())
    await this.changed()
    return again
  }
}

/** A filter given as text, stored as the condition object it denotes. */
function normalizedFilter(text: string): unknown {
  return JSON.parse(JSON.stringify(parseYamlCondition(text)))
}

import { parse as parseYamlCondition } from 'yaml'
