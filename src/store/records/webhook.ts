/**
 * Webhooks: endpoints that subscribe to transitions, the outbox of deliveries written in the
 * same transaction as the transitions that cause them, and the log of their attempts.
 * @module
 */

/** What an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'mql.reached',
  'stage.changed',
  'recycled',
  'band.changed',
  'journey.changed',
  'segment.entered',
  'segment.left',
  'account.band.changed',
  'owner.assigned',
] as const

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

export type EndpointStatus = 'active' | 'paused'

/** A new webhook endpoint. */
export interface EndpointWrite {
  readonly id: string
  readonly url: string
  readonly types: readonly WebhookEventType[]
  /** A condition in the model's language over the contact after the transition, or null. */
  readonly filter: unknown
  /** Only transitions of this model; null: the primary model's. */
  readonly modelId: string | null
  readonly description: string | null
  /** The signing secret (it must be kept to sign: see SECURITY.md). */
  readonly secret: string
  readonly createdAt: number
}

/** A change to an endpoint. Absent fields keep their value. */
export interface EndpointPatch {
  readonly url?: string | undefined
  readonly types?: readonly WebhookEventType[] | undefined
  readonly filter?: unknown
  readonly modelId?: string | null | undefined
  readonly description?: string | null | undefined
  readonly status?: EndpointStatus | undefined
  /** A new secret; the current one stays valid until `previousSecretExpiresAt`. */
  readonly secret?: string | undefined
  readonly previousSecretExpiresAt?: number | undefined
  readonly at: number
}

export interface EndpointRecord {
  readonly id: string
  readonly url: string
  readonly types: readonly WebhookEventType[]
  readonly filter: unknown
  readonly modelId: string | null
  readonly description: string | null
  readonly secret: string
  /** The secret before the last rotation, valid (deliveries are signed with both) until `previousSecretExpiresAt`. */
  readonly previousSecret: string | null
  readonly previousSecretExpiresAt: number | null
  readonly status: EndpointStatus
  readonly createdAt: number
  readonly updatedAt: number
}

/** A delivery to write into the outbox (with the transition that causes it). */
export interface DeliveryWrite {
  /** Unique: receivers deduplicate on it. */
  readonly id: string
  readonly endpointId: string
  /** Deliveries with the same key (a contact, an account) are delivered in order. */
  readonly orderKey: string
  /** The scoring partition of the order key (several processes share the sending by partition). */
  readonly partition: number
  readonly type: WebhookEventType
  /** The JSON body sent. */
  readonly payload: unknown
  readonly createdAt: number
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead'

export interface DeliveryRecord {
  /** Outbox order. */
  readonly seq: number
  readonly id: string
  readonly endpointId: string
  readonly orderKey: string
  readonly partition: number
  readonly type: WebhookEventType
  readonly payload: unknown
  readonly status: DeliveryStatus
  readonly attempts: number
  /** When the next attempt is due (pending deliveries). */
  readonly nextAttemptAt: number
  readonly createdAt: number
  readonly lastAttemptAt: number | null
  readonly deliveredAt: number | null
  /** The HTTP status of the last attempt (null: no response). */
  readonly lastStatus: number | null
  readonly lastError: string | null
  readonly lastLatencyMs: number | null
}

/** The outcome of one attempt. */
export interface AttemptWrite {
  readonly deliveryId: string
  readonly at: number
  readonly status: number | null
  readonly latencyMs: number
  readonly error: string | null
  /** delivered; retry at `nextAttemptAt`; or dead (no more attempts). */
  readonly outcome: 'delivered' | 'retry' | 'dead'
  readonly nextAttemptAt?: number | undefined
}

export interface AttemptRecord {
  readonly deliveryId: string
  readonly attempt: number
  readonly at: number
  readonly status: number | null
  readonly latencyMs: number
  readonly error: string | null
}

/** Which deliveries to claim for sending. */
export interface ClaimQuery {
  readonly now: number
  readonly limit: number
  /** Who claims: a claimed delivery is left alone by others until `claimUntil`. */
  readonly holder: string
  readonly claimUntil: number
  /** Only deliveries of these partitions (the ones this process leases). Default: all. */
  readonly partitions?: readonly number[] | undefined
}

export interface DeliveryQuery {
  readonly endpointId?: string | undefined
  readonly status?: DeliveryStatus | undefined
  /** Deliveries before this `seq` (newest first paging). */
  readonly beforeSeq?: number | undefined
  /** Default 100. */
  readonly limit?: number | undefined
}

/** How full the outbox is. */
export interface OutboxStats {
  readonly pending: number
  readonly dead: number
  /** `createdAt` of the oldest pending delivery, or null. */
  readonly oldestPendingAt: number | null
}
