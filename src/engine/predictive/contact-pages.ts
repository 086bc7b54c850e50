/**
 * Stored contacts as the predictive features read them, a page at a time: each contact with
 * its account's properties (as `account.<name>` columns) and all its events (its own and those
 * of the anonymous ids merged into it).
 * @module
 */
import type { ContactEvent, ContactInput, Properties } from '../../core/index.js'
import type { ContactRecord, StoreOps } from '../../store/index.js'

/** One stored contact with what its features come from. */
export interface StoredContact {
  readonly record: ContactRecord
  /** Properties with the account's as `account.<name>`, and the account for the rules. */
  readonly input: ContactInput
  readonly events: readonly ContactEvent[]
}

/** The contacts `ids` (those that exist, in order), with their accounts and events. */
export async function readContacts(
  store: StoreOps,
  ids: readonly string[],
  accounts: Map<string, Properties | undefined>,
): Promise<StoredContact[]> {
  const records = await store.getContacts(ids)
  const events = new Map(
    (await store.eventsOfContacts(records.map((r) => r.id))).map((l) => [l.contactId, l.events]),
  )
  const out: StoredContact[] = []
  for (const record of records) {
    let account: Properties | undefined
    if (record.accountId !== null) {
      if (!accounts.has(record.accountId))
        accounts.set(record.accountId, (await store.getAccount(record.accountId))?.properties)
      account = accounts.get(record.accountId)
    }
    out.push({ record, input: featureInput(record, account), events: events.get(record.id) ?? [] })
  }
  return out
}

/** A contact's properties with its account's as `account.<name>` (its own win a clash). */
export function featureInput(record: ContactRecord, account: Properties | undefined): ContactInput {
  if (account === undefined) return { id: record.id, properties: record.properties }
  // Object.fromEntries defines own properties: a `__proto__` key stays data
  const properties = Object.fromEntries([
    ...Object.entries(account).map(([key, value]) => [`account.${key}`, value] as const),
    ...Object.entries(record.properties),
  ])
  return { id: record.id, properties, account }
}
