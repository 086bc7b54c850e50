/**
 * Everything about one contact, for the person reading it: its scores computed as of now
 * with the ledger that explains them, the timeline of its events with the points each one
 * gives, its score and stage history, its account.
 * @module
 */
import { evaluateContact, type Properties, type ScoreResult } from '../core/index.js'
import type {
  AccountRecord,
  AccountScoreRecord,
  ContactRecord,
  ScorePoint,
  ScoreRecord,
  Store,
  TransitionRecord,
} from '../store/index.js'
import type { PublishedModel } from './models.js'

/** One event of the timeline and what it counts for now. */
export interface TimelineEvent {
  readonly id: string
  readonly name: string
  readonly ts: number
  readonly receivedAt: number
  readonly properties: Properties
  /** Points it gives as of now, after decay (before caps); 0 when no rule counts it. */
  readonly points: number
  /** The rules that count it and their points. */
  readonly rules: readonly {
    readonly id: string
    readonly label: string | undefined
    readonly points: number
  }[]
}

export interface ContactDetail {
  readonly contact: ContactRecord
  /** Anonymous ids merged into the contact. */
  readonly aliases: readonly string[]
  readonly account: { readonly record: AccountRecord; readonly scores: readonly AccountScoreRecord[] } | null
  /** The model of `live` and `history`. */
  readonly model: { readonly id: string; readonly version: number; readonly primary: boolean }
  /** Scores as of `live.asOf`, computed now from every event, with the ledger. */
  readonly live: ScoreResult
  /** The stored scores, one per model. */
  readonly scores: readonly ScoreRecord[]
  /** Events, newest first (at most `limit`), with the points each gives. */
  readonly timeline: readonly TimelineEvent[]
  /** How many events the contact has in all. */
  readonly events: number
  readonly history: readonly ScorePoint[]
  /** Lifecycle stage changes under the model, oldest first. */
  readonly stageHistory: readonly TransitionRecord[]
  /** Every class change under the model, newest first (at most 200). */
  readonly transitions: readonly TransitionRecord[]
}

/** Reads and scores one contact; undefined when it does not exist. */
export async function contactDetail(
  store: Store,
  model: PublishedModel,
  contactId: string,
  now: number,
  limit = 200,
): Promise<ContactDetail | undefined> {
  const contact = await store.getContact(contactId)
  if (contact === undefined) return undefined
  const [aliases, events, scores, account] = await Promise.all([
    store.aliasesOf(contactId),
    store.contactEvents(contactId),
    store.contactScores(contactId),
    contact.accountId === null ? undefined : store.getAccount(contact.accountId),
  ])
  const { id, version, primary } = model.record
  const stored = scores.find((s) => s.modelId === id)
  const live = evaluateContact(
    model.compiled,
    { id: contact.id, properties: contact.properties, account: account?.properties },
    events,
    now,
    {
      currentStage: primary ? contact.stage : (stored?.stage ?? null),
      likelihood: stored?.likelihood ?? null,
    },
  )
  const byEvent = new Map<string, { id: string; label: string | undefined; points: number }[]>()
  for (const group of live.ledger.engagement.groups) {
    for (const rule of group.rules) {
      for (const e of rule.events) {
        const list = byEvent.get(e.id) ?? []
        list.push({ id: rule.id, label: rule.label, points: e.points })
        byEvent.set(e.id, list)
      }
    }
  }
  const timeline = events
    .slice(-limit)
    .reverse()
    .map((e): TimelineEvent => {
      const rules = byEvent.get(e.id) ?? []
      return {
        id: e.id,
        name: e.name,
        ts: e.ts,
        receivedAt: e.receivedAt,
        properties: e.properties,
        points: rules.reduce((sum, r) => sum + r.points, 0),
        rules,
      }
    })
  const [history, stageHistory, transitions, accountScores] = await Promise.all([
    store.scoreHistory({ contactId, modelId: id }),
    store.listTransitions({ contactId, modelId: id, kinds: ['stage'] }),
    store.listTransitions({ contactId, modelId: id, limit: 10_000 }),
    account === undefined ? [] : store.accountScores(account.id),
  ])
  return {
    contact,
    aliases,
    account: account === undefined ? null : { record: account, scores: accountScores },
    model: { id, version, primary },
    live,
    scores,
    timeline,
    events: events.length,
    history,
    stageHistory,
    transitions: transitions.slice(-200).reverse(),
  }
}
