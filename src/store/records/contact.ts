/**
 * Contacts and the anonymous ids merged into them.
 * @module
 */
import type { Properties } from '../../core/index.js'

/**
 * A change to a contact. Absent fields keep their stored value; `null` clears one.
 * `properties` are merged into the stored ones key by key (a key given `undefined` is
 * ignored, `null` stores null) unless `replaceProperties` is set.
 */
export interface ContactWrite {
  /** The external user id. */
  readonly id: string
  readonly properties?: Properties | undefined
  readonly replaceProperties?: boolean | undefined
  readonly accountId?: string | null | undefined
  /** The lifecycle stage shown to people (the primary model's, or set by a person). */
  readonly stage?: string | null | undefined
  readonly owner?: string | null | undefined
  /** Time of the change (epoch ms): `updatedAt`, and `createdAt` of a new contact. */
  readonly at: number
}

export interface ContactRecord {
  readonly id: string
  readonly properties: Properties
  readonly accountId: string | null
  readonly stage: string | null
  readonly owner: string | null
  /** The scoring partition of the contact (see `partitionOf`). */
  readonly partition: number
  readonly createdAt: number
  readonly updatedAt: number
}

/** Merges an anonymous id into a contact. */
export interface AliasWrite {
  readonly anonymousId: string
  readonly contactId: string
  readonly at: number
}

/**
 * The outcome of an alias write. An anonymous id belongs to the first contact it was merged
 * into: merging it into another contact later changes nothing and reports that first one.
 */
export interface AliasResult {
  readonly anonymousId: string
  /** The contact the anonymous id belongs to after the call. */
  readonly contactId: string
  /** True when this call created the link. */
  readonly created: boolean
}

/** Traits of an anonymous visitor (an identify call without a user id), kept until it is identified. */
export interface AnonymousTraitsWrite {
  readonly anonymousId: string
  readonly traits: Properties
  readonly at: number
}
