/**
 * Previewing a model version on the stored contacts before publishing it: every contact is
 * scored with it as of now (from its events, with its current lifecycle stage) and compared
 * with its stored score under the baseline (the published version of the same model, else
 * the primary model). Nothing is written.
 * @module
 */
import { type CompiledModel, evaluateContact } from '../core/index.js'
import type { AccountRecord, Store } from '../store/index.js'

/** Contacts read per page. */
const PAGE = 500
/** A model id that never exists (ids are letters, digits, `-` and `_`): every contact is "stale" for it. */
const NO_MODEL = ' every contact'
/** How many of the contacts that change band are listed. */
const LISTED_CHANGES = 100

/** A contact whose band would change. */
export interface PreviewChange {
  readonly contactId: string
  readonly name: string | null
  readonly before: {
    readonly total: number | null
    readonly band: string | null
    readonly stage: string | null
  }
  readonly after: { readonly total: number; readonly band: string | null; readonly stage: string | null }
}

/** Counts before and after, by value (`null` counts as `"(none)"`). */
export interface Counts {
  readonly before: Record<string, number>
  readonly after: Record<string, number>
}

export interface PreviewResult {
  readonly model: { readonly id: string; readonly version: number }
  /** What "before" is: stored scores of this model version, or none when nothing was scored yet. */
  readonly baseline: { readonly id: string; readonly version: number } | null
  readonly asOf: number
  readonly contacts: number
  readonly bands: Counts
  readonly stages: Counts
  /** Mean total before (contacts the baseline scored) and after. */
  readonly meanTotal: { readonly before: number | null; readonly after: number }
  /** How many contacts change band. */
  readonly bandChanges: number
  /** The contacts that change band, largest total moves first (at most 100). */
  readonly changes: readonly PreviewChange[]
  readonly ms: number
}

const NONE = '(none)'

function tally(counts: Record<string, number>, value: string | null): void {
  const key = value ?? NONE
  counts[key] = (counts[key] ?? 0) + 1
}

function displayName(properties: Readonly<Record<string, unknown>>): string | null {
  const first = properties['first_name'] ?? properties['firstName']
  const last = properties['last_name'] ?? properties['lastName']
  const name = [first, last].filter((p) => typeof p === 'string' && p !== '').join(' ')
  if (name) return name
  const email = properties['email']
  return typeof email === 'string' ? email : null
}

/** Scores every stored contact with `model` as of `asOf` and compares with the baseline. */
export async function previewModel(
  store: Store,
  target: { readonly id: string; readonly version: number; readonly compiled: CompiledModel },
  baseline: { readonly id: string; readonly version: number } | null,
  asOf: number,
): Promise<PreviewResult> {
  const started = performance.now()
  const bands: Counts = { before: {}, after: {} }
  const stages: Counts = { before: {}, after: {} }
  const changes: PreviewChange[] = []
  const accounts = new Map<string, AccountRecord | undefined>()
  let contacts = 0
  let bandChanges = 0
  let beforeSum = 0
  let beforeCount = 0
  let afterSum = 0
  let after: string | null = null
  for (;;) {
    const ids: string[] = await store.staleContacts({ model: NO_MODEL, version: 1, after, limit: PAGE })
    if (ids.length === 0) break
    after = ids.at(-1)!
    const records = await store.getContacts(ids)
    const eventsOf = new Map((await store.eventsOfContacts(ids)).map((l) => [l.contactId, l.events]))
    const stored =
      baseline === null
        ? new Map()
        : new Map((await store.scoresWithState(baseline.id, ids)).map((s) => [s.score.contactId, s.score]))
    for (const contact of records) {
      let account: AccountRecord | undefined
      if (contact.accountId !== null) {
        if (!accounts.has(contact.accountId))
          accounts.set(contact.accountId, await store.getAccount(contact.accountId))
        account = accounts.get(contact.accountId)
      }
      const events = eventsOf.get(contact.id) ?? []
      const result = evaluateContact(
        target.compiled,
        { id: contact.id, properties: contact.properties, account: account?.properties },
        events,
        asOf,
        { currentStage: contact.stage },
      )
      const before = stored.get(contact.id)
      contacts++
      afterSum += result.total
      if (before) {
        beforeSum += before.total
        beforeCount++
      }
      tally(bands.before, before?.band ?? null)
      tally(bands.after, result.band)
      tally(stages.before, before?.stage ?? contact.stage)
      tally(stages.after, result.stage)
      if ((before?.band ?? null) !== result.band) {
        bandChanges++
        changes.push({
          contactId: contact.id,
          name: displayName(contact.properties),
          before: {
            total: before?.total ?? null,
            band: before?.band ?? null,
            stage: before?.stage ?? contact.stage,
          },
          after: { total: result.total, band: result.band, stage: result.stage },
        })
        if (changes.length > LISTED_CHANGES * 4) trim(changes)
      }
    }
  }
  trim(changes)
  return {
    model: { id: target.id, version: target.version },
    baseline,
    asOf,
    contacts,
    bands,
    stages,
    meanTotal: {
      before: beforeCount === 0 ? null : beforeSum / beforeCount,
      after: contacts === 0 ? 0 : afterSum / contacts,
    },
    bandChanges,
    changes,
    ms: Math.round(performance.now() - started),
  }
}

function trim(changes: PreviewChange[]): void {
  const move = (c: PreviewChange) => Math.abs(c.after.total - (c.before.total ?? 0))
  changes.sort((a, b) => move(b) - move(a) || (a.contactId < b.contactId ? -1 : 1))
  changes.length = Math.min(changes.length, LISTED_CHANGES)
}
