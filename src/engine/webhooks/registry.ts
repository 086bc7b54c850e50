/**
 * The endpoints this process knows, with their filters compiled, and the deliveries a
 * transition causes. The rescore calls it inside the transaction that writes the
 * transitions, so each delivery is stored with the transition that causes it. Endpoints
 * are reloaded when changed through this process and at every tick (other processes'
 * changes are seen within a tick).
 * @module
 */
import { randomUUID } from 'node:crypto'
import {
  type AccountResult,
  type CompiledModel,
  type ContactInput,
  type ScoreResult,
  scoreFieldsOf,
} from '../../core/index.js'
import type {
  ContactRecord,
  DeliveryWrite,
  EndpointRecord,
  Store,
  TransitionWrite,
  WebhookEventType,
} from '../../store/index.js'
import { partitionOf } from '../../store/partition.js'
import type { Logger } from '../logger.js'
import type { PublishedModel } from '../models.js'
import { type CompiledFilter, compileFilter } from './filter.js'
import { accountPayload, contactPayload } from './payload.js'

interface LiveEndpoint {
  readonly record: EndpointRecord
  readonly types: ReadonlySet<WebhookEventType>
  readonly filter: CompiledFilter | undefined
}

/** A new delivery id: `dlv_` and 32 hex digits. */
export function newDeliveryId(): string {
  return `dlv_${randomUUID().replaceAll('-', '')}`
}

/** The event types a transition is, under a model. */
export function eventTypesOf(t: TransitionWrite, model: CompiledModel): WebhookEventType[] {
  switch (t.kind) {
    case 'stage': {
      const types: WebhookEventType[] = ['stage.changed']
      if (t.to !== null && t.to === model.handoffStage) types.push('mql.reached')
      const from = model.stages.findIndex((s) => s.id === t.from)
      const to = model.stages.findIndex((s) => s.id === t.to)
      if (from >= 0 && to >= 0 && to < from) types.push('recycled')
      return types
    }
    case 'band':
      return ['band.changed']
    case 'journey':
      return ['journey.changed']
    case 'segment.enter':
      return ['segment.entered']
    case 'segment.leave':
      return ['segment.left']
    case 'account.band':
      return ['account.band.changed']
    case 'owner':
      return ['owner.assigned']
    default:
      return []
  }
}

export class WebhookRegistry {
  private readonly store: Store
  private readonly logger: Logger
  private endpoints: LiveEndpoint[] = []

  constructor(store: Store, logger: Logger) {
    this.store = store
    this.logger = logger
  }

  /** True when some endpoint exists (rescoring skips the work otherwise). */
  get active(): boolean {
    return this.endpoints.length > 0
  }

  /** An endpoint for sending: the one loaded (active), else read from the store. */
  async endpoint(id: string): Promise<EndpointRecord | undefined> {
    return this.endpoints.find((e) => e.record.id === id)?.record ?? (await this.store.getEndpoint(id))
  }

  /** Reloads the endpoints from the store. */
  async refresh(): Promise<void> {
    const live: LiveEndpoint[] = []
    // paused endpoints still get deliveries written: they wait in the outbox until resumed
    for (const record of await this.store.listEndpoints()) {
      let filter: CompiledFilter | undefined
      if (record.filter !== null) {
        try {
          filter = compileFilter(record.filter)
        } catch (error) {
          this.logger.error('a webhook endpoint has a filter that no longer compiles; it gets nothing', {
            endpoint: record.id,
            error,
          })
          continue
        }
      }
      live.push({ record, types: new Set(record.types), filter })
    }
    this.endpoints = live
  }

  private subscribers(model: PublishedModel, primaryId: string | undefined): LiveEndpoint[] {
    return this.endpoints.filter((e) =>
      e.record.modelId === null ? model.record.id === primaryId : e.record.modelId === model.record.id,
    )
  }

  /** The deliveries of a contact's transitions under `model`. */
  contactDeliveries(args: {
    readonly model: PublishedModel
    readonly primaryId: string | undefined
    readonly contact: ContactRecord
    readonly input: ContactInput
    readonly result: ScoreResult
    readonly transitions: readonly TransitionWrite[]
    readonly now: number
  }): DeliveryWrite[] {
    if (args.transitions.length === 0) return []
    const endpoints = this.subscribers(args.model, args.primaryId)
    if (endpoints.length === 0) return []
    const { result } = args
    const subject = {
      contact: args.input,
      fields: scoreFieldsOf(result),
      classes: {
        grade: result.grade,
        level: result.level,
        label: result.label,
        band: result.band,
        stage: result.stage,
        journey: result.journey,
        segments: [...result.segments],
      },
    }
    const out: DeliveryWrite[] = []
    for (const endpoint of endpoints) {
      if (endpoint.filter !== undefined && !endpoint.filter(subject)) continue
      for (const transition of args.transitions) {
        for (const type of eventTypesOf(transition, args.model.compiled)) {
          if (!endpoint.types.has(type)) continue
          const id = newDeliveryId()
          out.push({
            id,
            endpointId: endpoint.record.id,
            orderKey: args.contact.id,
            partition: args.contact.partition,
            type,
            createdAt: args.now,
            payload: contactPayload({
              id,
              type,
              createdAt: args.now,
              model: { id: args.model.record.id, version: args.model.record.version },
              transition,
              contact: args.contact,
              result,
            }),
          })
        }
      }
    }
    return out
  }

  /** The deliveries of an account's transition under `model`. */
  accountDeliveries(args: {
    readonly model: PublishedModel
    readonly primaryId: string | undefined
    readonly accountId: string
    readonly properties: Record<string, unknown>
    readonly result: AccountResult
    readonly transition: TransitionWrite
    readonly now: number
    readonly partitionCount: number
  }): DeliveryWrite[] {
    const endpoints = this.subscribers(args.model, args.primaryId)
    if (endpoints.length === 0) return []
    const { result } = args
    const subject = {
      contact: { id: args.accountId, properties: {}, account: args.properties },
      fields: {
        fit: result.fit,
        engagement: result.engagement,
        total: result.total,
        likelihood: null,
        group: () => undefined,
        rule: () => undefined,
      },
      classes: { band: result.band },
    }
    const out: DeliveryWrite[] = []
    const orderKey = `account:${args.accountId}`
    for (const endpoint of endpoints) {
      if (endpoint.filter !== undefined && !endpoint.filter(subject)) continue
      for (const type of eventTypesOf(args.transition, args.model.compiled)) {
        if (!endpoint.types.has(type)) continue
        const id = newDeliveryId()
        out.push({
          id,
          endpointId: endpoint.record.id,
          orderKey,
          partition: partitionOf(orderKey, args.partitionCount),
          type,
          createdAt: args.now,
          payload: accountPayload({
            id,
            type,
            createdAt: args.now,
            model: { id: args.model.record.id, version: args.model.record.version },
            transition: args.transition,
            accountId: args.accountId,
            properties: args.properties,
            result,
          }),
        })
      }
    }
    return out
  }
}
