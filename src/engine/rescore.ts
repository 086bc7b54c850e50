/**
 * Rescoring contacts and accounts inside one store transaction: load each contact's folded
 * state (or refold its events), fold what is new, evaluate as of now with the stateful stage,
 * and collect everything to write at once: scores with state and next change, transitions
 * with their cause, history points, the contact's stage, and the rolled-up accounts.
 * @module
 */
import {
  type AccountMember,
  type ContactEvent,
  type ContactInput,
  type ContactState,
  compactState,
  createState,
  evaluateAccount,
  evaluateState,
  foldEvent,
  type ScoreFields,
  type ScoreResult,
} from '../core/index.js'
import type {
  AccountMemberScore,
  AccountRecord,
  AccountScoreWrite,
  ContactRecord,
  ContactWrite,
  DeliveryWrite,
  PendingRescore,
  ScorePoint,
  ScoreRecord,
  ScoreWithState,
  ScoreWrite,
  StoreOps,
  TransitionCauseRef,
  TransitionWrite,
} from '../store/index.js'
import { DEFAULT_PARTITION_COUNT } from '../store/partition.js'
import { deserializeState, serializeState } from '../store/state-codec.js'
import { assignOwner } from './assignment.js'
import type { ModelRegistry, PublishedModel } from './models.js'
import { nextChangeAt } from './next-change.js'
import type { WebhookRegistry } from './webhooks/registry.js'

/** States with more tracked events than this are compacted after scoring. */
const COMPACT_ABOVE = 256

/** A contact to rescore and why. */
export interface RescoreTarget {
  /** The contact as stored now (after this unit of work's changes). */
  readonly contact: ContactRecord
  /** Events stored by this unit of work: folded into the stored state. */
  readonly newEvents: readonly ContactEvent[]
  /** Refold all of the contact's events (an anonymous id was merged, or the model changed). */
  readonly rebuild: boolean
  readonly cause: TransitionCauseRef
}

/** What a rescore reads and scores with. */
export interface RescoreContext {
  readonly tx: StoreOps
  /** The models to score with. */
  readonly models: readonly PublishedModel[]
  /** The primary model's id: its stage is the contact's lifecycle stage. */
  readonly primaryId: string | undefined
  readonly now: number
  /** Accounts read (or written) in this unit of work, by id; null when there is none. */
  readonly accounts: Map<string, AccountRecord | null>
  /** The webhook endpoints: the transitions' deliveries are written with them. */
  readonly webhooks?: WebhookRegistry | undefined
  /** The store's partition count (for the order keys of account deliveries). */
  readonly partitionCount?: number | undefined
}

/** The context of a rescore in `tx` as of `now` with every published model of `models`. */
export function publishedContext(
  tx: StoreOps,
  models: ModelRegistry,
  now: number,
  webhooks: WebhookRegistry | undefined,
  partitionCount: number,
): RescoreContext {
  return {
    tx,
    models: models.published,
    primaryId: models.primary?.record.id,
    now,
    accounts: new Map(),
    webhooks,
    partitionCount,
  }
}

/** Everything a rescore writes, and the fresh results. */
export interface RescoreOutput {
  readonly scores: ScoreWrite[]
  readonly accountScores: AccountScoreWrite[]
  readonly transitions: TransitionWrite[]
  readonly history: ScorePoint[]
  /** Webhook deliveries of the transitions. */
  readonly deliveries: DeliveryWrite[]
  /** Contact changes: lifecycle stages (from the primary model) and assigned owners. */
  readonly contactWrites: ContactWrite[]
  /** Fresh results by model id, then contact id. */
  readonly results: Map<string, Map<string, ScoreResult>>
  /** Accounts to roll up that owed rescores named (accounts their contacts left). */
  readonly owedAccounts: Set<string>
  /** The contacts rescored, with the oldest time a rescore was owed to each (when one was). */
  readonly owedSince: Map<string, number>
}

/** An empty output to collect into. */
export function emptyOutput(): RescoreOutput {
  return {
    scores: [],
    accountScores: [],
    transitions: [],
    history: [],
    deliveries: [],
    contactWrites: [],
    results: new Map(),
    owedAccounts: new Set(),
    owedSince: new Map(),
  }
}

/** The account properties of a contact (read once per unit of work). */
export async function accountOf(
  ctx: RescoreContext,
  accountId: string | null,
): Promise<AccountRecord | undefined> {
  if (accountId === null) return undefined
  let account = ctx.accounts.get(accountId)
  if (account === undefined) {
    account = (await ctx.tx.getAccount(accountId)) ?? null
    ctx.accounts.set(accountId, account)
  }
  return account ?? undefined
}

/** The scoring input of a contact. */
export async function contactInput(ctx: RescoreContext, contact: ContactRecord): Promise<ContactInput> {
  const account = await accountOf(ctx, contact.accountId)
  return { id: contact.id, properties: contact.properties, account: account?.properties }
}

/**
 * Merges the rescores owed to the targets' contacts (taken from the queue in this
 * transaction) into the targets: their events are folded, a merge refolds, and an owed
 * event or API change is the cause rather than time or a publish. With `onlyOwed`, targets
 * nothing is owed to are left out (another process rescored them meanwhile).
 */
async function withOwed(
  ctx: RescoreContext,
  targets: readonly RescoreTarget[],
  out: RescoreOutput,
  onlyOwed: boolean,
): Promise<RescoreTarget[]> {
  const owed = await ctx.tx.takeRescores(targets.map((t) => t.contact.id))
  if (owed.length === 0) return onlyOwed ? [] : [...targets]
  const byContact = new Map<string, PendingRescore[]>()
  for (const row of owed) {
    const list = byContact.get(row.contactId) ?? []
    list.push(row)
    byContact.set(row.contactId, list)
    for (const account of row.accounts) out.owedAccounts.add(account)
  }
  const events = new Map(
    (await ctx.tx.eventsById(owed.flatMap((r) => r.eventIds))).map((e): [string, ContactEvent] => [
      e.id,
      { id: e.id, name: e.name, ts: e.ts, properties: e.properties },
    ]),
  )
  const merged: RescoreTarget[] = []
  for (const target of targets) {
    const rows = byContact.get(target.contact.id)
    if (rows === undefined) {
      if (!onlyOwed) merged.push(target)
      continue
    }
    out.owedSince.set(target.contact.id, Math.min(...rows.map((r) => r.at)))
    const seen = new Set(target.newEvents.map((e) => e.id))
    const newEvents = [...target.newEvents]
    for (const row of rows) {
      for (const id of row.eventIds) {
        const event = events.get(id)
        if (event !== undefined && !seen.has(id)) {
          seen.add(id)
          newEvents.push(event)
        }
      }
    }
    // the newest owed cause, an event's first: what a person would name as the reason
    const owedCause = rows.findLast((r) => r.cause.type === 'event')?.cause ?? rows[rows.length - 1]!.cause
    const cause =
      onlyOwed || target.cause.type === 'time' || target.cause.type === 'publish' ? owedCause : target.cause
    merged.push({
      contact: target.contact,
      newEvents,
      rebuild: target.rebuild || rows.some((r) => r.rebuild),
      cause,
    })
  }
  return merged
}

/**
 * Rescores `targets` with every model of `ctx`, collecting the writes into `out`. The
 * rescores owed to them are taken from the queue and merged in (see `withOwed`).
 */
export async function rescoreContacts(
  ctx: RescoreContext,
  given: readonly RescoreTarget[],
  out: RescoreOutput = emptyOutput(),
  options: { onlyOwed?: boolean | undefined } = {},
): Promise<RescoreOutput> {
  if (given.length === 0) return out
  const targets = await withOwed(ctx, given, out, options.onlyOwed === true)
  if (targets.length === 0) return out
  const ids = targets.map((t) => t.contact.id)
  // stored states first, so the contacts that need all their events are read in one query
  const stored = new Map<string, Map<string, ScoreWithState>>()
  const refold = new Set<string>()
  // when every contact is refolded (a publish), the stored states are not needed: read the scores alone
  const allRebuilt = targets.every((t) => t.rebuild)
  for (const { record } of ctx.models) {
    const rows: ScoreWithState[] = allRebuilt
      ? (await ctx.tx.scoresOf(record.id, ids)).map((score) => ({ score, state: null }))
      : await ctx.tx.scoresWithState(record.id, ids)
    const byContact = new Map(rows.map((s) => [s.score.contactId, s]))
    stored.set(record.id, byContact)
    for (const t of targets) {
      const previous = byContact.get(t.contact.id)
      if (t.rebuild || previous?.score.modelVersion !== record.version || previous.state === null)
        refold.add(t.contact.id)
    }
  }
  const events = new Map<string, readonly ContactEvent[]>(
    refold.size === 0 ? [] : (await ctx.tx.eventsOfContacts([...refold])).map((l) => [l.contactId, l.events]),
  )
  const allEvents = async (contactId: string): Promise<readonly ContactEvent[]> => {
    let list = events.get(contactId)
    if (list === undefined) {
      list = await ctx.tx.contactEvents(contactId)
      events.set(contactId, list)
    }
    return list
  }
  for (const model of ctx.models) {
    const { compiled, record } = model
    const byContact = stored.get(record.id)!
    const primary = record.id === ctx.primaryId
    for (const target of targets) {
      const { contact } = target
      const previous = byContact.get(contact.id)
      let state: ContactState | undefined
      if (!target.rebuild && previous?.score.modelVersion === record.version && previous.state !== null) {
        try {
          state = deserializeState(compiled, previous.state)
        } catch {
          state = undefined
        }
        if (state !== undefined && state.horizon > ctx.now) state = undefined
        if (state !== undefined) for (const e of target.newEvents) foldEvent(compiled, state, e)
      }
      if (state === undefined) {
        state = createState(compiled)
        for (const e of await allEvents(contact.id)) foldEvent(compiled, state, e)
      }
      const before = previous?.score
      const currentStage = primary ? (contact.stage ?? before?.stage ?? null) : (before?.stage ?? null)
      const input = await contactInput(ctx, contact)
      // the predictive service writes the likelihood (writePredictions): carry it forward
      const likelihood = compiled.document.predictive === undefined ? null : (before?.likelihood ?? null)
      const result = evaluateState(compiled, input, state, ctx.now, { currentStage, likelihood })
      const next = nextChangeAt(compiled, state, result, ctx.now)
      if (trackedEvents(state) > COMPACT_ABOVE) compactState(compiled, state, ctx.now)
      await recordContactResult(
        ctx,
        model,
        target,
        { before, input, result, next, state: serializeState(state) },
        out,
      )
    }
  }
  return out
}

/** A contact's fresh result with one model, and what it is compared with. */
export interface ContactOutcome {
  /** The stored score of that model before (any version). */
  readonly before: ScoreRecord | undefined
  readonly input: ContactInput
  readonly result: ScoreResult
  readonly next: number | null
  /** The folded state to store (serialized), or null: refolded from the events at the next rescore. */
  readonly state: unknown
}

/**
 * Collects a contact's fresh result with `model` into `out`: the score, the transitions from
 * `before` (with an owner assigned at the hand-off stage), their webhook deliveries, a
 * history point, and the contact's stage (primary model).
 */
export async function recordContactResult(
  ctx: RescoreContext,
  model: PublishedModel,
  target: RescoreTarget,
  outcome: ContactOutcome,
  out: RescoreOutput,
): Promise<void> {
  const { compiled, record } = model
  const { before, input, result } = outcome
  const { contact } = target
  const primary = record.id === ctx.primaryId
  let results = out.results.get(record.id)
  if (results === undefined) {
    results = new Map<string, ScoreResult>()
    out.results.set(record.id, results)
  }
  results.set(contact.id, result)
  out.scores.push(scoreWrite(model, result, outcome.next, outcome.state, ctx.now))
  const transitions = contactTransitions(model, before, result, target.cause, ctx.now)
  let current = contact
  if (primary && result.stage !== contact.stage) {
    out.contactWrites.push({ id: contact.id, stage: result.stage, at: ctx.now })
    current = { ...current, stage: result.stage }
  }
  const handoff = compiled.handoffStage
  if (
    primary &&
    handoff !== null &&
    current.owner === null &&
    transitions.some((t) => t.kind === 'stage' && t.to === handoff)
  ) {
    const owner = await assignOwner(ctx.tx, ctx.now)
    if (owner !== null) {
      transitions.push({
        contactId: contact.id,
        modelId: record.id,
        modelVersion: record.version,
        kind: 'owner',
        from: null,
        to: owner,
        at: ctx.now,
        cause: target.cause,
      })
      out.contactWrites.push({ id: contact.id, owner, at: ctx.now })
      current = { ...current, owner }
    }
  }
  out.transitions.push(...transitions)
  if (ctx.webhooks?.active && transitions.length > 0) {
    out.deliveries.push(
      ...ctx.webhooks.contactDeliveries({
        model,
        primaryId: ctx.primaryId,
        contact: current,
        input,
        result,
        transitions,
        now: ctx.now,
      }),
    )
  }
  const point = historyPoint(model, before, result, target.cause, ctx.now)
  if (point) out.history.push(point)
}

function trackedEvents(state: ContactState): number {
  let n = state.activity.size
  for (const map of state.rules) n += map.size
  for (const map of state.history) n += map.size
  return n
}

function scoreWrite(
  model: PublishedModel,
  r: ScoreResult,
  nextChange: number | null,
  state: unknown,
  now: number,
): ScoreWrite {
  return {
    contactId: r.contactId,
    modelId: model.record.id,
    modelVersion: model.record.version,
    fit: r.fit,
    engagement: r.engagement,
    total: r.total,
    grade: r.grade,
    level: r.level,
    label: r.label,
    band: r.band,
    stage: r.stage,
    journey: r.journey,
    segments: r.segments,
    likelihood: r.likelihood,
    lastActivityAt: lastActivity(r),
    scoredAt: now,
    nextChangeAt: nextChange,
    state,
  }
}

/** The newest event that gave positive points, or the last activity the inactivity rule saw. */
export function lastActivity(r: ScoreResult): number | null {
  let last = r.ledger.engagement.inactivity?.lastActivityAt ?? null
  for (const group of r.ledger.engagement.groups) {
    for (const rule of group.rules) {
      for (const e of rule.events) if (e.points > 0 && (last === null || e.ts > last)) last = e.ts
    }
  }
  return last
}

/** Class changes between the stored score and the new result. */
function contactTransitions(
  model: PublishedModel,
  before: ScoreRecord | undefined,
  after: ScoreResult,
  cause: TransitionCauseRef,
  at: number,
): TransitionWrite[] {
  const base = {
    contactId: after.contactId,
    modelId: model.record.id,
    modelVersion: model.record.version,
    at,
    cause,
  }
  const out: TransitionWrite[] = []
  for (const kind of ['stage', 'band', 'journey'] as const) {
    const from = before?.[kind] ?? null
    if (from !== after[kind]) out.push({ ...base, kind, from, to: after[kind] })
  }
  const was = new Set(before?.segments ?? [])
  const is = new Set(after.segments)
  for (const s of is) if (!was.has(s)) out.push({ ...base, kind: 'segment.enter', from: null, to: s })
  for (const s of was) if (!is.has(s)) out.push({ ...base, kind: 'segment.leave', from: s, to: null })
  return out
}

/**
 * A history point when the change is worth one: the first score, a class change, or a move
 * of the total by at least half a point (a point for changes caused by time alone).
 */
function historyPoint(
  model: PublishedModel,
  before: ScoreRecord | undefined,
  after: ScoreResult,
  cause: TransitionCauseRef,
  at: number,
): ScorePoint | undefined {
  const minMove = cause.type === 'time' ? 1 : 0.5
  const worth =
    before === undefined ||
    before.band !== after.band ||
    before.stage !== after.stage ||
    Math.abs(before.total - after.total) >= minMove
  if (!worth) return undefined
  return {
    contactId: after.contactId,
    modelId: model.record.id,
    modelVersion: model.record.version,
    at,
    fit: after.fit,
    engagement: after.engagement,
    total: after.total,
    cause,
  }
}

function fieldsOf(score: ScoreRecord | null): ScoreFields {
  return {
    fit: score?.fit ?? 0,
    engagement: score?.engagement ?? 0,
    total: score?.total ?? 0,
    likelihood: score?.likelihood ?? null,
    group: () => undefined,
    rule: () => undefined,
  }
}

/**
 * Rolls up `accountIds` under every model of `ctx` that scores accounts, from their members'
 * fresh results (in `out.results`) or stored scores; collects scores and band transitions.
 */
export async function rescoreAccounts(
  ctx: RescoreContext,
  accountIds: Iterable<string>,
  cause: TransitionCauseRef,
  out: RescoreOutput,
): Promise<void> {
  const ids = [...new Set([...accountIds, ...out.owedAccounts])].sort()
  out.owedAccounts.clear()
  if (ids.length === 0) return
  const previous = new Map<string, ScoreRecordLike>()
  for (const id of ids) {
    const account = await accountOf(ctx, id)
    if (account === undefined) continue
    // locked (in id order) before the members are read: concurrent rollups of one account queue up
    for (const s of await ctx.tx.lockAccountScores(id)) previous.set(`${s.modelId}\u0000${id}`, s)
  }
  for (const model of ctx.models) {
    const { compiled, record } = model
    if (compiled.accounts === undefined) continue
    for (const id of ids) {
      const account = await accountOf(ctx, id)
      if (account === undefined) continue
      const members = accountMembersOf(
        account,
        await ctx.tx.accountMembers(id, record.id),
        out.results.get(record.id),
      )
      const before = previous.get(`${record.id}\u0000${id}`)?.band ?? null
      recordAccountResult(ctx, model, account, members, before, cause, out)
    }
  }
}

/** An account's members as `evaluateAccount` takes them: each with its fresh result in `fresh`, else its stored score. */
export function accountMembersOf(
  account: AccountRecord,
  stored: readonly AccountMemberScore[],
  fresh: ReadonlyMap<string, ScoreResult> | undefined,
): AccountMember[] {
  return stored.map((m) => ({
    contact: { id: m.contact.id, properties: m.contact.properties, account: account.properties },
    result: fresh?.get(m.contact.id) ?? fieldsOf(m.score),
  }))
}

/**
 * Collects an account's rollup with `model` into `out`: its score and, when its band is not
 * `previousBand`, a band transition with its webhook deliveries.
 */
export function recordAccountResult(
  ctx: RescoreContext,
  model: PublishedModel,
  account: AccountRecord,
  members: readonly AccountMember[],
  previousBand: string | null,
  cause: TransitionCauseRef,
  out: RescoreOutput,
): void {
  const { compiled, record } = model
  const { id } = account
  const result = evaluateAccount(compiled, { id, properties: account.properties }, members)
  if (result === undefined) return
  out.accountScores.push({
    accountId: id,
    modelId: record.id,
    modelVersion: record.version,
    fit: result.fit,
    engagement: result.engagement,
    total: result.total,
    band: result.band,
    contacts: result.contacts,
    committee: result.committee,
    scoredAt: ctx.now,
  })
  if (previousBand === result.band) return
  const transition: TransitionWrite = {
    accountId: id,
    modelId: record.id,
    modelVersion: record.version,
    kind: 'account.band',
    from: previousBand,
    to: result.band,
    at: ctx.now,
    cause,
  }
  out.transitions.push(transition)
  if (ctx.webhooks?.active) {
    out.deliveries.push(
      ...ctx.webhooks.accountDeliveries({
        model,
        primaryId: ctx.primaryId,
        accountId: id,
        properties: account.properties,
        result,
        transition,
        now: ctx.now,
        partitionCount: ctx.partitionCount ?? DEFAULT_PARTITION_COUNT,
      }),
    )
  }
}

interface ScoreRecordLike {
  readonly band: string | null
}

/** Writes a rescore: scores, accounts, transitions and history at once, then stage changes. */
export async function writeRescore(tx: StoreOps, out: RescoreOutput): Promise<void> {
  if (out.scores.length + out.accountScores.length + out.transitions.length + out.history.length > 0) {
    await tx.applyScores({
      scores: out.scores,
      accountScores: out.accountScores,
      transitions: out.transitions,
      history: out.history,
      deliveries: out.deliveries,
    })
  }
  if (out.contactWrites.length > 0) await tx.upsertContacts(out.contactWrites)
}

/**
 * Rescores the contacts that are owed a rescore among `contacts` (locked by the caller's
 * transaction) with every model of `ctx`, rolls up their accounts and writes it all. Returns
 * the output (`owedSince` names the contacts rescored).
 */
export async function rescoreOwed(
  ctx: RescoreContext,
  contacts: readonly ContactRecord[],
): Promise<RescoreOutput> {
  const out = emptyOutput()
  const fallback: TransitionCauseRef = { type: 'api' }
  await rescoreContacts(
    ctx,
    contacts.map((contact) => ({ contact, newEvents: [], rebuild: false, cause: fallback })),
    out,
    { onlyOwed: true },
  )
  const rescored = contacts.filter((c) => out.owedSince.has(c.id))
  const accounts = rescored.flatMap((c) => (c.accountId === null ? [] : [c.accountId]))
  await rescoreAccounts(ctx, accounts, fallback, out)
  await writeRescore(ctx.tx, out)
  return out
}
