/**
 * Account scores from bulk contact scores: groups contacts by their account key and rolls
 * them up with `evaluateAccount`, the same function the per-contact path uses.
 * @module
 */
import { type AccountResult, rollupAccount } from '../account.js'
import type { CompiledModel } from '../compile.js'
import type { Properties } from '../input.js'
import { type BulkScores, type ContactColumns, contactProperty } from './score.js'

/** Scores every account that has at least one contact, by account id. */
export function scoreAccountsFromColumns(
  model: CompiledModel,
  contacts: ContactColumns,
  scores: BulkScores,
  accountProperties: ReadonlyMap<string, Properties>,
): Map<string, AccountResult> {
  const out = new Map<string, AccountResult>()
  if (!model.accounts) return out
  const key = model.accounts.key
  const members = new Map<string, number[]>()
  for (let c = 0; c < contacts.length; c++) {
    const id = contactProperty(contacts, key, c)
    if (id === undefined || id === null || id === '') continue
    const k = String(id)
    const list = members.get(k)
    if (list) list.push(c)
    else members.set(k, [c])
  }
  const committee = scores.committee
  for (const [id, list] of members) {
    const result = rollupAccount(
      model,
      { id, properties: accountProperties.get(id) ?? {} },
      list.map((c) => ({
        contactId: contacts.ids[c]!,
        engagement: scores.engagement[c]!,
        roles: committee?.roles[c] ?? 0,
        engaged: committee?.engaged[c] === 1,
      })),
    )
    if (result) out.set(id, result)
  }
  return out
}
