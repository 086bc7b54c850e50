/**
 * What ingestion changed that a contact's likelihood reads but its own row does not say: an
 * account's properties (every member's `account.<name>` features), a merge of one contact into
 * another, an anonymous visitor identified or aliased into a contact (the history it brings may
 * be older than the contact's last prediction, so "new events since" would miss it). The engine
 * calls {@link afterCommit} with each committed batch; a predictive service of the same store
 * that {@link watchCommits} is told which contacts and accounts to predict again.
 * @module
 */
import type { Store } from '../../store/index.js'
import type { IngestOp } from '../normalize.js'

/** Contacts and accounts whose members should be predicted again. */
export interface PredictionTriggers {
  readonly contactIds: readonly string[]
  readonly accountIds: readonly string[]
}

const watchers = new WeakMap<object, Set<(changes: PredictionTriggers) => void>>()

/** Calls `listener` with the triggers of every batch committed to `store`; returns the unsubscribe. */
export function watchCommits(store: Store, listener: (changes: PredictionTriggers) => void): () => void {
  let set = watchers.get(store)
  if (set === undefined) {
    set = new Set()
    watchers.set(store, set)
  }
  set.add(listener)
  return () => set.delete(listener)
}

/** The triggers in committed ops. */
export function triggersOf(ops: readonly IngestOp[]): PredictionTriggers {
  const contacts = new Set<string>()
  const accounts = new Set<string>()
  const hasProperties = (p: object | undefined) => p !== undefined && Object.keys(p).length > 0
  for (const op of ops) {
    switch (op.kind) {
      case 'account':
      case 'group':
        if (hasProperties(op.account.properties)) accounts.add(op.account.id)
        break
      case 'identify':
        if (op.company !== undefined && hasProperties(op.company.properties)) accounts.add(op.company.id)
        if (op.anonymousId !== null) contacts.add(op.contactId)
        break
      case 'alias':
      case 'merge':
        contacts.add(op.contactId)
        break
      default:
        break
    }
  }
  return { contactIds: [...contacts], accountIds: [...accounts] }
}

/** Tells the watchers of `store` what a committed batch changed (the engine calls it after each commit). */
export function afterCommit(store: Store, ops: readonly { readonly op: IngestOp }[]): void {
  const set = watchers.get(store)
  if (set === undefined || set.size === 0) return
  const changes = triggersOf(ops.map((q) => q.op))
  if (changes.contactIds.length === 0 && changes.accountIds.length === 0) return
  for (const listener of set) listener(changes)
}
