/**
 * A publish page in two steps, so that the store's write lock is held only while writing:
 *
 * 1. **Read and score** (no transaction): the page's contacts, their stored scores, and every
 *    event of the contacts in the page's id range in one query (`eventsOfContactRange`); each
 *    contact's state folded with events matched once per kind of event (`EventMatcher`), then
 *    evaluated as of the page's time with its stateful stage and likelihood, as a rescore does.
 * 2. **Write** (one transaction): the contacts locked and read again, the rescores owed to them
 *    taken first with every published model (as any rescore does), then each contact's result
 *    with the transitions from its stored score at that moment. A contact scored with the
 *    published version meanwhile (ingestion scores with it too) is left as it is; one whose
 *    stage, owner or properties changed meanwhile is evaluated again from its folded state.
 *
 * The states are not stored (`state: null`): a contact's next rescore refolds its events, once.
 * @module
 */
import {
  type ContactEvent,
  type ContactInput,
  type ContactState,
  evaluateState,
  type ScoreResult,
} from '../../core/index.js'
import type {
  AccountRecord,
  ContactRecord,
  ScoreRecord,
  Store,
  TransitionCauseRef,
} from '../../store/index.js'
import type { Clock } from '../clock.js'
import type { ModelRegistry, PublishedModel } from '../models.js'
import { nextChangeAt } from '../next-change.js'
import {
  contactInput,
  emptyOutput,
  publishedContext,
  type RescoreContext,
  recordContactResult,
  rescoreOwed,
  writeRescore,
} from '../rescore.js'
import type { WebhookRegistry } from '../webhooks/registry.js'
import { EventMatcher } from './event-matches.js'

/** A contact of a page, read and scored before the page's transaction. */
interface ScoredContact {
  readonly contact: ContactRecord
  readonly before: ScoreRecord | undefined
  readonly input: ContactInput
  readonly state: ContactState
  readonly result: ScoreResult
  readonly next: number | null
}

/** A page read and scored, ready to write. */
export interface ScoredPage {
  /** The page's time: every contact is scored as of it. */
  readonly now: number
  readonly contacts: ReadonlyMap<string, ScoredContact>
}

export interface PageDeps {
  readonly store: Store
  readonly clock: Clock
  readonly models: ModelRegistry
  readonly webhooks?: WebhookRegistry | undefined
}

/** Contacts read at once while a page is scored (one query for their events). */
const PART = 500
/** Scoring gives way to other work (requests, commits) when it has held the thread this long, ms. */
const SLICE_MS = 10

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Matchers by compiled model (a publish job scores many pages with one). */
const matchers = new WeakMap<PublishedModel['compiled'], EventMatcher>()

function matcherOf(model: PublishedModel): EventMatcher {
  let matcher = matchers.get(model.compiled)
  if (matcher === undefined) {
    matcher = new EventMatcher(model.compiled)
    matchers.set(model.compiled, matcher)
  }
  return matcher
}

/** The stateful stage and likelihood a rescore evaluates `contact` with (see `rescoreContacts`). */
function evaluationInputs(
  model: PublishedModel,
  primaryId: string | undefined,
  contact: ContactRecord,
  before: ScoreRecord | undefined,
): { currentStage: string | null; likelihood: number | null } {
  const primary = model.record.id === primaryId
  return {
    currentStage: primary ? (contact.stage ?? before?.stage ?? null) : (before?.stage ?? null),
    likelihood: model.compiled.document.predictive === undefined ? null : (before?.likelihood ?? null),
  }
}

function inputOf(contact: ContactRecord, account: AccountRecord | undefined): ContactInput {
  return { id: contact.id, properties: contact.properties, account: account?.properties }
}

/**
 * Reads the contacts `ids` (sorted, all in (`after`, last id]) with their events and stored
 * scores, and scores them with `model` as of now: a part of the page at a time (the contacts
 * and their events read at once), giving way to other work between parts and whenever
 * scoring has held the thread for {@link SLICE_MS}.
 */
export async function scorePage(
  deps: PageDeps,
  model: PublishedModel,
  ids: readonly string[],
  after: string | null,
): Promise<ScoredPage> {
  const { store } = deps
  const now = deps.clock.now()
  const matcher = matcherOf(model)
  const primaryId = deps.models.primary?.record.id
  const accounts = new Map<string, AccountRecord | undefined>()
  const scored = new Map<string, ScoredContact>()
  // a part of the page at a time: each read holds the thread (the SQLite driver is synchronous)
  for (let from = 0; from < ids.length; from += PART) {
    if (from > 0) await nextTurn()
    const part = ids.slice(from, from + PART)
    const contacts = await store.getContacts(part)
    const before = new Map((await store.scoresOf(model.record.id, part)).map((s) => [s.contactId, s]))
    const events = new Map<string, readonly ContactEvent[]>()
    const range = { after: from === 0 ? after : ids[from - 1]!, upTo: part.at(-1)! }
    for (const list of await store.eventsOfContactRange(range)) events.set(list.contactId, list.events)
    for (const contact of contacts) {
      const id = contact.accountId
      if (id !== null && !accounts.has(id)) accounts.set(id, await store.getAccount(id))
    }
    let slice = performance.now()
    for (const contact of contacts) {
      if (performance.now() - slice > SLICE_MS) {
        await nextTurn()
        slice = performance.now()
      }
      const stored = before.get(contact.id)
      const input = inputOf(contact, contact.accountId === null ? undefined : accounts.get(contact.accountId))
      const state = matcher.fold(events.get(contact.id) ?? [])
      const options = evaluationInputs(model, primaryId, contact, stored)
      const result = evaluateState(model.compiled, input, state, now, options)
      const next = nextChangeAt(model.compiled, state, result, now)
      scored.set(contact.id, { contact, before: stored, input, state, result, next })
    }
  }
  return { now, contacts: scored }
}

/**
 * Writes a scored page in one transaction (see the module comment). Returns how many
 * contacts were written by the page (not scored meanwhile by something else).
 */
export function writePage(
  deps: PageDeps,
  model: PublishedModel,
  page: ScoredPage,
  cause: TransitionCauseRef,
): Promise<number> {
  const ids = [...page.contacts.keys()]
  const { id: modelId, version } = model.record
  return deps.store.transaction(async (tx): Promise<number> => {
    const now = page.now
    // lock and read the contacts: rescores of one contact never interleave
    const contacts = await tx.lockContacts(ids)
    const all = publishedContext(tx, deps.models, now, deps.webhooks, deps.store.partitionCount)
    // changes owed to these contacts first, with every published model (they then have a
    // score from this version, and are left out below)
    await rescoreOwed(all, contacts)
    const ctx: RescoreContext = { ...all, models: [model] }
    const stored = new Map((await tx.scoresOf(modelId, ids)).map((s) => [s.contactId, s]))
    const out = emptyOutput()
    let written = 0
    for (const contact of contacts) {
      const before = stored.get(contact.id)
      if (before?.modelVersion === version) continue
      const read = page.contacts.get(contact.id)!
      let { input, result, next } = read
      if (contact.updatedAt !== read.contact.updatedAt || !sameScore(before, read.before)) {
        // changed since it was read: evaluated again with what it is now
        input = await contactInput(ctx, contact)
        const options = evaluationInputs(model, ctx.primaryId, contact, before)
        result = evaluateState(model.compiled, input, read.state, now, options)
        next = nextChangeAt(model.compiled, read.state, result, now)
      }
      const target = { contact, newEvents: [], rebuild: true, cause }
      await recordContactResult(ctx, model, target, { before, input, result, next, state: null }, out)
      written++
    }
    await writeRescore(tx, out)
    return written
  })
}

/** Whether a stored score is the one read before (what a stateful evaluation takes from it is the same). */
function sameScore(a: ScoreRecord | undefined, b: ScoreRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return (
    a.modelVersion === b.modelVersion &&
    a.scoredAt === b.scoredAt &&
    a.stage === b.stage &&
    a.likelihood === b.likelihood
  )
}
