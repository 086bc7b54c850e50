/**
 * One reading of the stored contacts and their events as columns, for the model preview: read
 * a page of contacts at a time, giving way to other work between pages (ingestion, the API),
 * so that a server reading a million contacts in the background keeps answering.
 *
 * Compact, because it is kept between previews: no event ids (the `idHash` column orders and
 * tells events apart; a contact whose ledger is needed is read again, `snapshotEvents`), event
 * properties only those the previewed models name (each a dense column of 4 bytes an event),
 * contact properties as dictionary-encoded columns rather than an object per contact.
 * @module
 */
import {
  type BulkScores,
  type CompiledModel,
  type ContactColumns,
  type ContactEvent,
  type EventColumns,
  EventColumnsBuilder,
  eventProperties,
  idHash,
  type Properties,
  ScoreCache,
} from '../../core/index.js'
import type { Store, StoredEvent } from '../../store/index.js'
import type { BaselineScores } from './baseline.js'

/** Contacts whose events and properties the preview keeps in memory between previews. */
export interface PreviewSnapshot {
  /** When it was read from the store (epoch ms, the engine's clock): the previews on it score as of this time. */
  readonly at: number
  /**
   * The contacts: their properties as columns (`columns.contact`, one per top-level key), the
   * properties object kept only for a contact with an object value or a dotted key (which a
   * dotted path may read); each contact's account properties (shared by its members).
   */
  readonly contacts: ContactColumns
  /** Each contact's lifecycle stage as stored. */
  readonly stages: readonly (string | null)[]
  /** The events, without their ids. */
  readonly events: EventColumns
  /** The event properties read (top-level keys); undefined: all of them. See {@link covers}. */
  readonly eventProperties?: ReadonlySet<string> | undefined
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
  /** Contacts' events read again from the store (`snapshotEvents`), by contact index. */
  readonly ledgers?: Map<number, ContactEvent[]>
  /** The last preview's scores, no longer read: the next preview's are written over them. */
  readonly spare?: SpareScores
}

/** Scores a preview is done with, and the cache they were scored with (`BulkOptions.reuse`). */
export interface SpareScores {
  scores?: BulkScores | undefined
  cache?: ScoreCache | undefined
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
  /**
   * The event properties to keep (top-level keys: `eventKeys` of the models to preview).
   * Default: all of them.
   */
  readonly eventProperties?: Iterable<string> | undefined
  /**
   * The event and property columns over `SharedArrayBuffer`s: a worker thread that reads
   * hands them to the server's thread without a copy (`readSnapshotInWorker`).
   */
  readonly shared?: boolean | undefined
}

/**
 * A snapshot as read from the store, before the preview adds what it keeps beside it (the
 * score cache, the stored scores, the ledgers): what a worker thread that reads hands over.
 */
export type SnapshotColumns = Pick<
  PreviewSnapshot,
  'at' | 'contacts' | 'stages' | 'events' | 'eventProperties'
>

/** Gives way to the I/O and timers waiting: one turn of the event loop. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** The top-level event property keys `model` reads: each field, and the first part of a dotted one. */
export function eventKeys(model: CompiledModel): Set<string> {
  const keys = new Set<string>()
  for (const field of eventProperties(model.document)) {
    keys.add(field)
    keys.add(field.split('.')[0]!)
  }
  return keys
}

/** Whether `snapshot` read every event property `model` reads. */
export function covers(snapshot: PreviewSnapshot, model: CompiledModel): boolean {
  const kept = snapshot.eventProperties
  if (kept === undefined) return true
  for (const key of eventKeys(model)) if (!kept.has(key)) return false
  return true
}

/**
 * Reads every contact (merged ones left out) and its events into columns, as of `at`, in
 * pages of contacts by id (`contactsAfter`) and their events by range (`eventsOfContactRange`).
 * Not a transaction: a contact changed while the reading runs is read as it is when its page
 * is read (the preview scores as of `at`, so events stored later with a later time do not
 * count), and a contact added meanwhile into a page already read is left out.
 */
export async function readSnapshot(
  store: Store,
  at: number,
  options: ReadSnapshotOptions = {},
): Promise<PreviewSnapshot> {
  return withCaches(await readSnapshotColumns(store, at, options))
}

/** A snapshot of `columns`, with empty caches. */
export function withCaches(columns: SnapshotColumns): PreviewSnapshot {
  return {
    ...columns,
    cache: new ScoreCache(),
    baselines: new Map(),
    ledgers: new Map(),
    spare: {},
  }
}

/** {@link readSnapshot} without the caches. */
export async function readSnapshotColumns(
  store: Store,
  at: number,
  options: ReadSnapshotOptions = {},
): Promise<SnapshotColumns> {
  const pageSize = options.pageSize ?? 1000
  const pause = options.pause ?? nextTurn
  const kept = options.eventProperties === undefined ? undefined : new Set(options.eventProperties)
  const ids: string[] = []
  const nested: Properties[] = []
  const accounts: (Properties | undefined)[] = []
  const stages: (string | null)[] = []
  // the contacts' properties go through a builder of event columns too: one row per contact,
  // so its property columns are the contacts' (dictionary-encoded, by contact index)
  const shared = options.shared === true
  const properties = new EventColumnsBuilder({ shared })
  const builder = new EventColumnsBuilder(kept === undefined ? { shared } : { properties: kept, shared })
  const accountCache = new Map<string, Properties | undefined>()
  let after: string | null = null
  for (;;) {
    options.signal?.throwIfAborted()
    const page = await store.contactsAfter({ after, limit: pageSize })
    if (page.length === 0) break
    const upTo = page.at(-1)!.id
    const lists = await store.eventsOfContactRange({ after, upTo })
    after = upTo
    const first = ids.length
    const indexOf = new Map<string, number>()
    for (const contact of page) {
      let account: Properties | undefined
      if (contact.accountId !== null) {
        if (!accountCache.has(contact.accountId))
          accountCache.set(contact.accountId, (await store.getAccount(contact.accountId))?.properties)
        account = accountCache.get(contact.accountId)
      }
      const c = ids.length
      indexOf.set(contact.id, c)
      ids.push(contact.id)
      accounts.push(account)
      stages.push(contact.stage)
      properties.add(c, { id: '', name: '', ts: 0, properties: contact.properties })
      if (readsNested(contact.properties)) nested[c] = contact.properties
    }
    for (const list of lists) {
      const c = indexOf.get(list.contactId)
      if (c === undefined || c < first) continue // added after its page of contacts was read
      for (const e of list.events) builder.add(c, e)
    }
    await pause()
  }
  options.signal?.throwIfAborted()
  nested.length = ids.length
  return {
    at,
    contacts: {
      length: ids.length,
      ids,
      properties: nested,
      accounts,
      columns: { contact: properties.finish().properties },
    },
    stages,
    events: builder.finish(),
    eventProperties: kept,
  }
}

/** A property a dotted path may read beyond its column: an object value, or a dotted key. */
function readsNested(properties: Properties): boolean {
  for (const key in properties) {
    const value = properties[key]
    if (key.includes('.') || (value !== null && typeof value === 'object')) return true
  }
  return false
}

/** Contact `c`'s properties from the snapshot's columns (its object, when it was kept). */
export function snapshotProperties(snapshot: PreviewSnapshot, c: number): Properties {
  const { contacts } = snapshot
  const kept = contacts.properties[c]
  if (kept !== undefined) return kept
  const out: Record<string, unknown> = {}
  for (const [key, column] of contacts.columns?.contact ?? []) {
    const code = column.codes[c]!
    if (code >= 0) out[key] = column.values[code]
  }
  return out
}

/** Contacts whose events are read from the store at once. */
const LEDGER_PAGE = 500

/**
 * The events of the snapshot's contacts `cs` (indexes), as the evaluator takes them: read
 * again from the store (the snapshot keeps no ids nor every property), only those the
 * snapshot holds (by time and id hash: not one stored since), and kept with the snapshot.
 */
export async function snapshotEvents(
  store: Store,
  snapshot: PreviewSnapshot,
  cs: readonly number[],
): Promise<Map<number, readonly ContactEvent[]>> {
  const ledgers = snapshot.ledgers ?? new Map<number, ContactEvent[]>()
  const missing = cs.filter((c) => !ledgers.has(c))
  for (let start = 0; start < missing.length; start += LEDGER_PAGE) {
    const part = missing.slice(start, start + LEDGER_PAGE)
    const read = await store.eventsOfContacts(part.map((c) => snapshot.contacts.ids[c]!))
    part.forEach((c, k) => {
      ledgers.set(c, heldEvents(snapshot.events, c, read[k]!.events))
    })
  }
  return new Map(cs.map((c) => [c, ledgers.get(c)!]))
}

/** The stored events of contact `c` that its rows of `events` hold (same time and id hash). */
function heldEvents(events: EventColumns, c: number, stored: readonly StoredEvent[]): ContactEvent[] {
  if (c >= events.contacts) return []
  const held = new Set<string>()
  for (let i = events.offsets[c]!; i < events.offsets[c + 1]!; i++)
    held.add(`${events.ts[i]!}:${events.idHash[i]!}`)
  return stored
    .filter((e) => held.has(`${e.ts}:${idHash(e.id)}`))
    .map((e) => ({ id: e.id, name: e.name, ts: e.ts, properties: e.properties }))
}
