/**
 * Commits a batch of ingested operations in one store transaction: contacts and accounts,
 * memberships, anonymous-id merges, events (deduplicated on the message id), and the
 * rescoring of every contact and account they change. When it resolves, all of it is
 * committed; when it throws, none of it is.
 * @module
 */
import type { ContactEvent, Properties } from '../core/index.js'
import type {
  AccountRecord,
  AccountWrite,
  AliasWrite,
  AnonymousTraitsWrite,
  ContactRecord,
  ContactWrite,
  EventWrite,
  StoreOps,
  TransitionCauseRef,
} from '../store/index.js'
import type { PublishedModel } from './models.js'
import type { IngestOp } from './normalize.js'
import {
  emptyOutput,
  type RescoreContext,
  type RescoreTarget,
  rescoreAccounts,
  rescoreContacts,
  writeRescore,
} from './rescore.js'
import type { WebhookRegistry } from './webhooks/registry.js'

/** What happened to one operation: an event stored, a duplicate skipped, or a change applied. */
export type OpOutcome = 'inserted' | 'duplicate' | 'applied'

/** An operation with who sent it (the API key, for the cause of changes it makes). */
export interface QueuedOp {
  readonly op: IngestOp
  readonly keyId: string | undefined
}

export interface CommitSummary {
  readonly outcomes: OpOutcome[]
  /** Contacts rescored (acknowledging once scored). */
  readonly rescored: number
  /** Contacts owed a rescore, in the queue (acknowledging once stored). */
  readonly owed: readonly string[]
}

/**
 * When a unit of work is done: `scored` rescores the contacts it changes in its own
 * transaction; `stored` records the rescores they are owed (`pending_rescores`) for the
 * rescoring that follows, so storing stays short.
 */
export type Acknowledge = 'stored' | 'scored'

export interface CommitOptions {
  readonly models: readonly PublishedModel[]
  readonly primaryId: string | undefined
  /** The contact property that names the account, for native and identify writes (`accounts.key`). */
  readonly accountKey: string
  readonly now: number
  /** Webhook endpoints: deliveries are written with the transitions. */
  readonly webhooks?: WebhookRegistry | undefined
  readonly partitionCount?: number | undefined
  /** Default `scored`. */
  readonly acknowledge?: Acknowledge | undefined
}

/** A contact that absorbed another in this unit of work: it is refolded; the other's account is rolled up. */
interface Absorbed {
  readonly accounts: string[]
  readonly cause: TransitionCauseRef
}

/**
 * Merges known contacts first, in message order: native merges, and aliases whose previous
 * id is a known contact (Segment: the previous identity joins the new one). Then points every
 * operation on a merged contact to the contact it was merged into.
 */
async function mergeKnownContacts(
  tx: StoreOps,
  ops: readonly QueuedOp[],
  options: CommitOptions,
): Promise<{ ops: QueuedOp[]; absorbed: Map<string, Absorbed>; merged: Map<string, ContactRecord> }> {
  const absorbed = new Map<string, Absorbed>()
  const merged = new Map<string, ContactRecord>()
  const previous = ops.flatMap(({ op }) => (op.kind === 'alias' ? [op.previousId] : []))
  const known = new Set(previous.length === 0 ? [] : (await tx.getContacts(previous)).map((c) => c.id))
  const redirect = previous.length === 0 ? new Map<string, string>() : await tx.mergedInto(previous)
  const rest: QueuedOp[] = []
  const merges: { from: string; into: string; at: number; keyId: string | undefined }[] = []
  for (const q of ops) {
    const { op } = q
    if (op.kind === 'merge') merges.push({ from: op.from, into: op.contactId, at: op.at, keyId: q.keyId })
    else if (op.kind === 'alias' && known.has(op.previousId) && !redirect.has(op.previousId))
      merges.push({ from: op.previousId, into: op.contactId, at: op.at, keyId: q.keyId })
    else rest.push(q)
  }
  if (merges.length > 0) {
    const stages = options.models.find((m) => m.record.id === options.primaryId)?.compiled.stages ?? []
    const rank = (stage: string | null) => (stage === null ? -1 : stages.findIndex((s) => s.id === stage))
    const resolve = (id: string) => redirect.get(id) ?? id
    for (const m of merges) {
      const from = resolve(m.from)
      const into = resolve(m.into)
      if (from === into) continue
      // the contact that remains may be new (an alias to a user id not seen before)
      const [source, target] = await tx.upsertContacts([
        { id: from, at: m.at },
        { id: into, at: m.at },
      ])
      const stage = rank(source!.stage) > rank(target!.stage) ? source!.stage : undefined
      const result = await tx.mergeContacts({ from, into, stage, at: m.at })
      for (const [k, v] of redirect) if (v === from) redirect.set(k, into)
      redirect.set(from, into)
      merged.set(from, result.from)
      const entry = absorbed.get(into) ?? {
        accounts: [],
        cause: m.keyId === undefined ? { type: 'api' } : { type: 'api', keyId: m.keyId },
      }
      for (const a of [...(absorbed.get(from)?.accounts ?? []), result.from.accountId])
        if (a !== null && a !== result.into.accountId && !entry.accounts.includes(a)) entry.accounts.push(a)
      absorbed.delete(from)
      absorbed.set(into, entry)
    }
  }
  // operations on contacts merged now or earlier go to the contact that remains
  const ids = new Set<string>()
  for (const { op } of rest) {
    if ('contactId' in op && op.contactId !== null) ids.add(op.contactId)
  }
  const leadsTo = ids.size === 0 ? new Map<string, string>() : await tx.mergedInto([...ids])
  if (leadsTo.size === 0) return { ops: rest, absorbed, merged }
  return {
    ops: rest.map((q) => {
      const { op } = q
      if (!('contactId' in op) || op.contactId === null) return q
      const to = leadsTo.get(op.contactId)
      return to === undefined ? q : { ...q, op: { ...op, contactId: to } }
    }),
    absorbed,
    merged,
  }
}

/** Commits `ops` through `tx`; see the module description. */
export async function commitOps(
  tx: StoreOps,
  given: readonly QueuedOp[],
  options: CommitOptions,
): Promise<CommitSummary> {
  const { now } = options
  const { ops, absorbed } = await mergeKnownContacts(tx, given, options)
  const contactIds = new Set<string>(absorbed.keys())
  for (const { op } of ops) {
    if (op.kind === 'account' || op.kind === 'anonymous-identify') continue
    if (op.kind !== 'event' && op.kind !== 'group') contactIds.add(op.contactId)
    else if (op.contactId !== null) contactIds.add(op.contactId)
  }
  const before = new Map((await tx.getContacts([...contactIds])).map((c) => [c.id, c]))

  // contacts, accounts and memberships, in message order
  const accountWrites: AccountWrite[] = []
  const contactWrites: ContactWrite[] = []
  const accountOf = new Map<string, string | null>()
  for (const [id, c] of before) accountOf.set(id, c.accountId)
  const join = (contactId: string, accountId: string, at: number): void => {
    contactWrites.push({ id: contactId, accountId, at })
    accountOf.set(contactId, accountId)
  }
  const links: AliasWrite[] = []
  const apiCause = new Map<string, TransitionCauseRef>()
  for (const { op, keyId } of ops) {
    const cause: TransitionCauseRef = keyId === undefined ? { type: 'api' } : { type: 'api', keyId }
    switch (op.kind) {
      case 'identify': {
        // an `owner` trait (e.g. from the CRM) sets the contact's owner
        const owner = op.traits['owner']
        contactWrites.push({
          id: op.contactId,
          properties: op.traits,
          ...(typeof owner === 'string' && owner.trim() !== '' ? { owner: owner.trim() } : {}),
          at: op.at,
        })
        const named = op.traits[options.accountKey]
        if (typeof named === 'string' || typeof named === 'number') {
          accountWrites.push({ id: String(named), at: op.at })
          join(op.contactId, String(named), op.at)
        } else if (op.company !== undefined) {
          accountWrites.push({ id: op.company.id, properties: op.company.properties, at: op.at })
          if ((accountOf.get(op.contactId) ?? null) === null) join(op.contactId, op.company.id, op.at)
        }
        if (op.anonymousId !== null)
          links.push({ anonymousId: op.anonymousId, contactId: op.contactId, at: op.at })
        apiCause.set(op.contactId, cause)
        break
      }
      case 'group':
        accountWrites.push({ id: op.account.id, properties: op.account.properties, at: op.at })
        if (op.contactId !== null) {
          join(op.contactId, op.account.id, op.at)
          apiCause.set(op.contactId, cause)
          if (op.anonymousId !== null)
            links.push({ anonymousId: op.anonymousId, contactId: op.contactId, at: op.at })
        }
        break
      case 'alias':
        contactWrites.push({ id: op.contactId, at: op.at })
        links.push({ anonymousId: op.previousId, contactId: op.contactId, at: op.at })
        break
      case 'event':
        if (op.contactId !== null) {
          contactWrites.push({ id: op.contactId, at: op.at })
          if (op.accountId !== null) {
            accountWrites.push({ id: op.accountId, at: op.at })
            join(op.contactId, op.accountId, op.at)
          }
          if (op.anonymousId !== null)
            links.push({ anonymousId: op.anonymousId, contactId: op.contactId, at: op.at })
        }
        break
      case 'account':
        accountWrites.push({ id: op.account.id, properties: op.account.properties, at: op.at })
        break
      case 'anonymous-identify':
        break // after the aliases of this commit are linked (below)
      case 'contact': {
        const named = op.properties?.[options.accountKey]
        const accountId =
          op.accountId !== undefined
            ? op.accountId
            : typeof named === 'string' || typeof named === 'number'
              ? String(named)
              : undefined
        if (accountId !== undefined && accountId !== null) accountWrites.push({ id: accountId, at: op.at })
        contactWrites.push({
          id: op.contactId,
          properties: op.properties,
          replaceProperties: op.replaceProperties,
          accountId,
          stage: op.stage,
          owner: op.owner,
          at: op.at,
        })
        apiCause.set(op.contactId, cause)
        break
      }
    }
  }
  const accounts = new Map<string, AccountRecord | null>()
  const accountsChanged = new Set<string>()
  if (accountWrites.length > 0) {
    // an account whose properties change changes its members' fit: note which ones do
    const withProperties = [
      ...new Set(accountWrites.filter((a) => a.properties !== undefined).map((a) => a.id)),
    ]
    const previous = new Map<string, string>()
    for (const id of withProperties) {
      const a = await tx.getAccount(id)
      if (a !== undefined) previous.set(id, JSON.stringify(a.properties))
    }
    const stored = await tx.upsertAccounts(accountWrites)
    for (const a of stored) {
      accounts.set(a.id, a)
      if (withProperties.includes(a.id) && previous.get(a.id) !== JSON.stringify(a.properties))
        accountsChanged.add(a.id)
    }
  }
  // members of changed accounts are rescored (their `account.*` fit rules read the new values)
  const members = new Map<string, ContactRecord>()
  for (const id of accountsChanged) for (const c of await tx.accountContacts(id)) members.set(c.id, c)
  const after = new Map<string, ContactRecord>()
  if (contactWrites.length > 0) for (const c of await tx.upsertContacts(contactWrites)) after.set(c.id, c)
  const merged = new Set<string>()
  const linkedNow: { anonymousId: string; contactId: string }[] = []
  if (links.length > 0) {
    for (const l of await tx.linkAliases(links)) {
      if (!l.created) continue
      merged.add(l.contactId)
      linkedNow.push(l)
    }
  }
  await anonymousTraits(tx, ops, linkedNow, after, apiCause, now)

  // events: anonymous ones go to the contact their id was merged into, if any
  const owners = new Map<string, string | null>()
  for (const { op } of ops) {
    if (
      op.kind === 'event' &&
      op.contactId === null &&
      op.anonymousId !== null &&
      !owners.has(op.anonymousId)
    )
      owners.set(op.anonymousId, (await tx.contactOfAlias(op.anonymousId)) ?? null)
  }
  // lock the contacts anonymous events go to, as the others were locked by their upsert: two
  // processes never fold into one contact's state at once (PostgreSQL row locks)
  const anonymousOwners = [...new Set(owners.values())].filter(
    (id): id is string => id !== null && !after.has(id),
  )
  if (anonymousOwners.length > 0)
    for (const c of await tx.upsertContacts(anonymousOwners.map((id) => ({ id, at: now }))))
      after.set(c.id, c)
  const eventWrites: EventWrite[] = []
  const eventOwner = new Map<string, string | null>()
  for (const { op } of ops) {
    if (op.kind !== 'event') continue
    const contactId = op.contactId ?? (op.anonymousId === null ? null : (owners.get(op.anonymousId) ?? null))
    eventWrites.push({
      id: op.messageId,
      contactId,
      anonymousId: op.anonymousId,
      name: op.name,
      ts: op.ts,
      receivedAt: op.at,
      properties: op.properties,
    })
    if (!eventOwner.has(op.messageId)) eventOwner.set(op.messageId, contactId)
  }
  const inserted = new Set(eventWrites.length > 0 ? (await tx.insertEvents(eventWrites)).inserted : [])

  // what to rescore
  const newEvents = new Map<string, ContactEvent[]>()
  const newestEvent = new Map<string, ContactEvent>()
  for (const e of eventWrites) {
    const owner = eventOwner.get(e.id)
    if (!inserted.has(e.id) || owner === null || owner === undefined) continue
    if (newEvents.get(owner)?.some((x) => x.id === e.id)) continue
    const event: ContactEvent = { id: e.id, name: e.name, ts: e.ts, properties: e.properties as Properties }
    const list = newEvents.get(owner) ?? []
    list.push(event)
    newEvents.set(owner, list)
    const newest = newestEvent.get(owner)
    if (newest === undefined || event.ts >= newest.ts) newestEvent.set(owner, event)
  }
  const missing = [...newEvents.keys(), ...absorbed.keys()].filter((id) => !after.has(id))
  if (missing.length > 0) for (const c of await tx.getContacts(missing)) after.set(c.id, c)
  const targets: RescoreTarget[] = []
  const accountIds = new Set(accountsChanged)
  for (const [id, contact] of after) {
    const old = before.get(id)
    const changed = old === undefined || !sameContact(old, contact)
    const events = newEvents.get(id) ?? []
    const rebuild = merged.has(id) || absorbed.has(id)
    if (!changed && events.length === 0 && !rebuild) continue
    const newest = newestEvent.get(id)
    const cause: TransitionCauseRef =
      newest !== undefined
        ? { type: 'event', eventId: newest.id }
        : (apiCause.get(id) ?? absorbed.get(id)?.cause ?? { type: 'api' })
    targets.push({ contact, newEvents: events, rebuild, cause })
    if (contact.accountId !== null) accountIds.add(contact.accountId)
    if (old?.accountId != null && old.accountId !== contact.accountId) accountIds.add(old.accountId)
    for (const a of absorbed.get(id)?.accounts ?? []) accountIds.add(a)
  }
  const targeted = new Set(targets.map((t) => t.contact.id))
  for (const [id, member] of members) {
    if (targeted.has(id)) continue
    const contact = after.get(id) ?? member
    if (contact.accountId !== null && !accountsChanged.has(contact.accountId)) continue
    targets.push({ contact, newEvents: [], rebuild: false, cause: { type: 'api' } })
  }
  const outcomes = given.map(({ op }): OpOutcome => {
    if (op.kind !== 'event') return 'applied'
    if (inserted.delete(op.messageId)) return 'inserted'
    return 'duplicate'
  })

  const ctx: RescoreContext = {
    tx,
    models: options.models,
    primaryId: options.primaryId,
    webhooks: options.webhooks,
    partitionCount: options.partitionCount,
    now,
    accounts,
  }
  const out = emptyOutput()
  const accountCause = targets.find((t) => t.cause.type === 'event')?.cause ?? { type: 'api' }
  if (options.acknowledge === 'stored') {
    await tx.enqueueRescores(
      targets.map((t) => {
        const old = before.get(t.contact.id)?.accountId ?? null
        const accounts = [...(absorbed.get(t.contact.id)?.accounts ?? [])]
        if (old !== null && old !== t.contact.accountId && !accounts.includes(old)) accounts.push(old)
        return {
          contactId: t.contact.id,
          eventIds: t.newEvents.map((e) => e.id),
          rebuild: t.rebuild,
          cause: t.cause,
          accounts,
          at: now,
        }
      }),
    )
    // accounts whose own properties changed are rolled up now; their members when rescored
    await rescoreAccounts(ctx, accountsChanged, accountCause, out)
    await writeRescore(tx, out)
    return { outcomes, rescored: 0, owed: targets.map((t) => t.contact.id) }
  }
  await rescoreContacts(ctx, targets, out)
  await rescoreAccounts(ctx, accountIds, accountCause, out)
  await writeRescore(tx, out)
  return { outcomes, rescored: targets.length, owed: [] }
}

/**
 * Traits of anonymous visitors: those of a visitor already identified go to its contact; the
 * others are kept until it is. A visitor identified now gets its kept traits, under the ones
 * its contact already has (what the contact said as itself wins).
 */
async function anonymousTraits(
  tx: StoreOps,
  ops: readonly QueuedOp[],
  linkedNow: readonly { anonymousId: string; contactId: string }[],
  after: Map<string, ContactRecord>,
  apiCause: Map<string, TransitionCauseRef>,
  now: number,
): Promise<void> {
  const writes: ContactWrite[] = []
  const pending: AnonymousTraitsWrite[] = []
  for (const { op, keyId } of ops) {
    if (op.kind !== 'anonymous-identify') continue
    const owner = (await tx.contactOfAlias(op.anonymousId)) ?? null
    if (owner === null) {
      pending.push({ anonymousId: op.anonymousId, traits: op.traits, at: op.at })
    } else {
      writes.push({ id: owner, properties: op.traits, at: op.at })
      apiCause.set(owner, keyId === undefined ? { type: 'api' } : { type: 'api', keyId })
    }
  }
  if (pending.length > 0) await tx.putAnonymousTraits(pending)
  if (linkedNow.length > 0) {
    const kept = await tx.takeAnonymousTraits(linkedNow.map((l) => l.anonymousId))
    const ownerOf = new Map(linkedNow.map((l) => [l.anonymousId, l.contactId]))
    for (const { anonymousId, traits } of kept) {
      const id = ownerOf.get(anonymousId)!
      const contact = after.get(id) ?? (await tx.getContact(id))
      const missing = Object.fromEntries(
        Object.entries(traits).filter(([key]) => !Object.hasOwn(contact?.properties ?? {}, key)),
      )
      if (Object.keys(missing).length > 0) writes.push({ id, properties: missing, at: now })
    }
  }
  if (writes.length > 0) for (const c of await tx.upsertContacts(writes)) after.set(c.id, c)
}

function sameContact(a: ContactRecord, b: ContactRecord): boolean {
  return (
    a.accountId === b.accountId &&
    a.stage === b.stage &&
    a.owner === b.owner &&
    JSON.stringify(a.properties) === JSON.stringify(b.properties)
  )
}
