/**
 * What the engine scores: a contact's properties, its account's properties and its events.
 * Times are epoch milliseconds (UTC); the core never reads the clock.
 * @module
 */

/** A property bag (contact, account or event properties). Values are JSON values. */
export type Properties = Readonly<Record<string, unknown>>

/** One thing a contact did. `id` is unique (the message id): two events with one id are one event. */
export interface ContactEvent {
  readonly id: string
  /** The event name (`page`, `Email Opened`, ...). Matching is case-insensitive. */
  readonly name: string
  /** When it happened, epoch milliseconds. */
  readonly ts: number
  readonly properties: Properties
}

/** A contact to score. */
export interface ContactInput {
  readonly id: string
  readonly properties: Properties
  /** The properties of the contact's account (`account.x` in conditions), if any. */
  readonly account?: Properties | undefined
}

export const DAY_MS = 86_400_000
