/**
 * One reading of the stored contacts and their events as columns, for the model preview: read
 * a page of contacts at a time, giving way to other work between pages (ingestion, the API),
 * so that a server reading a million contacts in the background keeps answering.
 * @module
 */
import {
  type ContactColumns,
  type EventColumns,
  EventColumnsBuilder,
  type Properties,
  ScoreCache,
} from '../../core/index.js'
import type { Store } from '../../store/index.js'
import type { BaselineScores } from './baseline.js'

/** A model id that never exists (ids are letters, digits, `-` and `_`): every contact is "stale" for it. */
const NO_MODEL = ' every contact'

/** Contacts whose events and properties the preview keeps in memory between previews. */
export interface PreviewSnapshot {
  /** When it was read from the store (epoch ms, the engine's clock): the previews on it score as of this time. */
  readonly at: number
  readonly contacts: ContactColumns
  /** Each contact's lifecycle stage as stored. */
  readonly stages: readonly (string | null)[]
  readonly events: EventColumns
  /**
   * What scoring these columns computed that the next preview may reuse: property columns,
   * the fit part, and each engagement rule's points as of one time (see `ScoreCache`).
   */
  readonly cache?: ScoreCache
  /**
   * The stored scores each baseline model had when a preview first compared with it, by
   * model id and version (see `baselineScores`). Without it every preview reads them again.
   */
  readonly baselines?: Map<string, Promise<BaselineScores>>
}

export interface ReadSnapshotOptions {
  /** Contacts read per page (default 1000). */
  readonly pageSize?: number | undefined
  /** Stops the reading at the next page (it then rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined
  /**
   * Called between pages; the reading waits for it. Default: a turn of the event loop
   * (`setImmediate`), so requests that arrived during a page are served before the next one.
   */
  readonly pause?: (() => Promise<void>) | undefined
}

/** Gives way to the I/O and timers waiting: one turn of the event loop. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Reads every contact (merged ones left out) and its events into columns, as of `at`. Not a
 * transaction: a contact changed while the reading runs is read as it is when its page is
 * read (the preview scores as of `at`, so events stored later with a later time do not count).
 */
export async function readSnapshot(
  store: Store,
  at: number,
  options: ReadSnapshotOptions = {},
): Promise<PreviewSnapshot> {
  const pageSize = options.pageSize ?? 1000
  const pause = options.pause ?? nextTurn
  const ids: string[] = []
  const properties: Properties[] = []
  const accounts: (Properties | undefined)[] = []
  const stages: (string | null)[] = []
  const builder = new EventColumnsBuilder({ keepIds: true })
  const accountCache = new Map<string, Properties | undefined>()
  let after: string | null = null
  for (;;) {
    options.signal?.throwIfAborted()
    const page: string[] = await store.staleContacts({ model: NO_MODEL, version: 1, after, limit: pageSize })
    if (page.length === 0) break
    after = page.at(-1)!
    const records = await store.getContacts(page)
    const eventsOf = new Map((await store.eventsOfContacts(page)).map((l) => [l.contactId, l.events]))
    for (const contact of records) {
      let account: Properties | undefined
      if (contact.accountId !== null) {
        if (!accountCache.has(contact.accountId))
          accountCache.set(contact.accountId, (await store.getAccount(contact.accountId))?.properties)
        account = accountCache.get(contact.accountId)
      }
      const c = ids.length
      ids.push(contact.id)
      properties.push(contact.properties)
      accounts.push(account)
      stages.push(contact.stage)
      for (const e of eventsOf.get(contact.id) ?? []) builder.add(c, e)
    }
    await pause()
  }
  options.signal?.throwIfAborted()
  return {
    at,
    contacts: { length: ids.length, ids, properties, accounts },
    stages,
    events: builder.finish(),
    cache: new ScoreCache(),
    baselines: new Map(),
  }
}
