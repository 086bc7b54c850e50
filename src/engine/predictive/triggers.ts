/**
 * What ingestion changed that a contact's likelihood reads but its own row does not say: an
 * account's properties (every member's `account.<name>` features), a merge of one contact into
 * another, an anonymous visitor identified or aliased into a contact (the history it brings may
 * be older than the contact's last prediction, so "new events since" would miss it). The engine
 * calls {@link afterCommit} with each committed batch; a predictive service of the same store
 * that {@link watchCommits} is told what changed, and keeps the news ({@link TriggerFilter}).
 * @module
 */
import type { Properties } from '../../core/index.js'
import type { Store } from '../../store/index.js'
import type { IngestOp } from '../normalize.js'

/** Contacts and accounts whose members should be predicted again. */
export interface PredictionTriggers {
  readonly contactIds: readonly string[]
  readonly accountIds: readonly string[]
}

/** What a committed batch wrote that may change likelihoods, repeats included. */
export interface CommitChanges {
  /** Contacts another was merged into. */
  readonly merged: readonly string[]
  /** Anonymous ids tied to contacts (by identify or alias; most are ties made before). */
  readonly links: readonly { readonly anonymousId: string; readonly contactId: string }[]
  /** Account properties written (merged key by key into the stored ones). */
  readonly accounts: readonly { readonly id: string; readonly properties: Properties }[]
}

const watchers = new WeakMap<object, Set<(changes: CommitChanges) => void>>()

/** Calls `listener` with the changes of every batch committed to `store`; returns the unsubscribe. */
export function watchCommits(store: Store, listener: (changes: CommitChanges) => void): () => void {
  let set = watchers.get(store)
  if (set === undefined) {
    set = new Set()
    watchers.set(store, set)
  }
  set.add(listener)
  return () => set.delete(listener)
}

/** The changes in committed ops. */
export function changesOf(ops: readonly IngestOp[]): CommitChanges {
  const merged: string[] = []
  const links: { anonymousId: string; contactId: string }[] = []
  const accounts: { id: string; properties: Properties }[] = []
  const withProperties = (a: { id: string; properties: Properties } | undefined) => {
    if (a !== undefined && Object.keys(a.properties).length > 0) accounts.push(a)
  }
  for (const op of ops) {
    if (op.kind === 'account' || op.kind === 'group') withProperties(op.account)
    else if (op.kind === 'identify') {
      withProperties(op.company)
      if (op.anonymousId !== null) links.push({ anonymousId: op.anonymousId, contactId: op.contactId })
    } else if (op.kind === 'alias') links.push({ anonymousId: op.previousId, contactId: op.contactId })
    else if (op.kind === 'merge') merged.push(op.contactId)
  }
  return { merged, links, accounts }
}

/**
 * Keeps what this process saw last (a bounded number of accounts and ties), so that the
 * repeats clients send all the time (the same traits on every `group`, the same anonymous id on
 * every `identify`) trigger nothing: an account triggers when one of its written properties
 * differs from the value last seen, a tie the first time it is seen, a merge always.
 */
export class TriggerFilter {
  private readonly accounts = new Map<string, Map<string, string>>()
  private readonly links = new Set<string>()
  private readonly limit: number

  constructor(limit = 10_000) {
    this.limit = limit
  }

  /** The triggers among `changes` that are news. */
  news(changes: CommitChanges): PredictionTriggers {
    const contacts = new Set(changes.merged)
    const accounts = new Set<string>()
    for (const { anonymousId, contactId } of changes.links) {
      const key = `${anonymousId}\u0000${contactId}`
      if (this.links.has(key)) continue
      remember(this.links, key, this.limit)
      contacts.add(contactId)
    }
    for (const { id, properties } of changes.accounts) {
      const seen = this.accounts.get(id) ?? new Map<string, string>()
      let changed = !this.accounts.has(id)
      for (const [key, value] of Object.entries(properties)) {
        const text = JSON.stringify(value) ?? 'null'
        if (seen.get(key) !== text) changed = true
        seen.set(key, text)
      }
      this.accounts.delete(id) // most recent last
      this.accounts.set(id, seen)
      if (this.accounts.size > this.limit) this.accounts.delete(this.accounts.keys().next().value!)
      if (changed) accounts.add(id)
    }
    return { contactIds: [...contacts], accountIds: [...accounts] }
  }
}

function remember(set: Set<string>, key: string, limit: number): void {
  set.add(key)
  if (set.size > limit) set.delete(set.values().next().value!)
}

/** Tells the watchers of `store` what a committed batch changed (the engine calls it after each commit). */
export function afterCommit(store: Store, ops: readonly { readonly op: IngestOp }[]): void {
  const set = watchers.get(store)
  if (set === undefined || set.size === 0) return
  const changes = changesOf(ops.map((q) => q.op))
  if (changes.merged.length === 0 && changes.links.length === 0 && changes.accounts.length === 0) return
  for (const listener of set) listener(changes)
}
