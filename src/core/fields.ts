/**
 * Which fields a model reads: the event properties its engagement rules test (so bulk
 * loaders keep only those columns) and the contact properties its conditions test.
 * @module
 */
import { isCombinator } from './conditions.js'
import type { Condition, ModelDocument } from './model/types.js'

/** The field names a condition tests (not `event`, not combinators), recursively. */
export function conditionFields(condition: Condition | undefined, into = new Set<string>()): Set<string> {
  if (!condition) return into
  for (const [key, spec] of Object.entries(condition)) {
    if (spec === undefined || key === 'event') continue
    if (key === 'all' || key === 'any') for (const c of spec as readonly Condition[]) conditionFields(c, into)
    else if (key === 'not') conditionFields(spec as Condition, into)
    else if (!isCombinator(key)) into.add(key)
  }
  return into
}

/** Event properties the model's engagement rules read (conditions and `distinct`). */
export function eventProperties(doc: ModelDocument): Set<string> {
  const fields = new Set<string>()
  for (const group of doc.engagement?.groups ?? []) {
    for (const rule of group.rules) {
      conditionFields(rule.when, fields)
      if (rule.distinct !== undefined) fields.add(rule.distinct)
    }
  }
  return fields
}

/**
 * Contact and account properties the model reads: fields of fit rules, classifiers, the
 * committee, plus the account key. `account.x` fields go to `account`; `score.*` is not a property.
 */
export function contactProperties(doc: ModelDocument): { contact: Set<string>; account: Set<string> } {
  const all = new Set<string>()
  for (const group of doc.fit?.groups ?? []) for (const rule of group.rules) conditionFields(rule.when, all)
  for (const list of [doc.bands, doc.stages, doc.journey, doc.segments]) {
    for (const c of list ?? []) conditionFields(c.when, all)
  }
  for (const s of doc.stages ?? []) conditionFields(s.recycle?.when, all)
  conditionFields(doc.accounts?.committee?.engagedWhen, all)
  for (const role of doc.accounts?.committee?.roles ?? []) conditionFields(role.when, all)
  const contact = new Set<string>()
  const account = new Set<string>()
  for (const field of all) {
    if (field.startsWith('score.')) continue
    if (field.startsWith('account.')) account.add(field.slice(8))
    else contact.add(field)
  }
  if (doc.accounts) contact.add(doc.accounts.key ?? 'account_id')
  else contact.add('account_id')
  for (const group of doc.accounts?.fit?.groups ?? []) {
    const fields = new Set<string>()
    for (const rule of group.rules) conditionFields(rule.when, fields)
    for (const f of fields) account.add(f.startsWith('account.') ? f.slice(8) : f)
  }
  for (const c of doc.accounts?.bands ?? []) {
    const fields = conditionFields(c.when)
    for (const f of fields)
      if (!f.startsWith('score.')) account.add(f.startsWith('account.') ? f.slice(8) : f)
  }
  return { contact, account }
}
