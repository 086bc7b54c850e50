/**
 * Merging one known contact into another, in SQL (see `ContactMerge`).
 * @module
 */
import { StoreInputError, StoreNotFoundError } from '../errors.js'
import type { ContactMerge, MergeResult } from '../records/merge.js'
import * as v from '../validate.js'
import { upsertContacts } from './contacts-sql.js'
import type { Executor } from './executor.js'
import { CONTACT_COLUMNS, chunks, contactFromRow, marks } from './rows.js'

export async function mergeContacts(
  exec: Executor,
  merge: ContactMerge,
  partitionCount: number,
): Promise<MergeResult> {
  if (merge === null || typeof merge !== 'object') throw new StoreInputError('merge', v.AN_OBJECT)
  const from = v.text(merge.from, 'from')
  const into = v.text(merge.into, 'into')
  const at = v.time(merge.at, 'at')
  const stage = merge.stage === undefined ? undefined : v.nullableText(merge.stage, 'stage')
  if (from === into) throw new StoreInputError('into', { key: 'store.otherContact' })
  return exec.transaction(async (tx) => {
    // lock both, in id order like every other writer
    const rows = await tx.all(
      `SELECT ${CONTACT_COLUMNS.join(', ')}, merged_into FROM contacts WHERE id IN (?, ?) ORDER BY id${tx.dialect.forUpdate}`,
      [from, into],
    )
    const byId = new Map(rows.map((r) => [String(r['id']), r]))
    for (const [id, field] of [
      [from, 'from'],
      [into, 'into'],
    ] as const) {
      const row = byId.get(id)
      if (row === undefined)
        throw new StoreNotFoundError({
          key: 'store.contact.none',
          values: { field, id: JSON.stringify(id) },
        })
      if (row['merged_into'] != null)
        throw new StoreInputError(field, {
          key: 'store.merged',
          values: { id: JSON.stringify(id), into: JSON.stringify(row['merged_into']) },
        })
    }
    const source = contactFromRow(byId.get(from)!)
    const target = contactFromRow(byId.get(into)!)
    const movedEvents = await tx.run('UPDATE events SET contact_id = ? WHERE contact_id = ?', [into, from])
    await tx.run('UPDATE aliases SET contact_id = ? WHERE contact_id = ?', [into, from])
    // contacts merged into `from` earlier now lead to `into`
    await tx.run('UPDATE contacts SET merged_into = ? WHERE merged_into = ?', [into, from])
    for (const table of ['contact_scores', 'contact_segments', 'contact_predictions', 'pending_rescores'])
      await tx.run(`DELETE FROM ${table} WHERE contact_id = ?`, [from])
    await tx.run(
      'UPDATE contacts SET merged_into = ?, account_id = NULL, owner = NULL, updated_at = ? WHERE id = ?',
      [into, Math.max(at, source.updatedAt), from],
    )
    const missing = Object.fromEntries(
      Object.entries(source.properties).filter(([key]) => !Object.hasOwn(target.properties, key)),
    )
    const [merged] = await upsertContacts(
      tx,
      [
        {
          id: into,
          ...(Object.keys(missing).length > 0 ? { properties: missing } : {}),
          ...(target.accountId === null && source.accountId !== null ? { accountId: source.accountId } : {}),
          ...(target.owner === null && source.owner !== null ? { owner: source.owner } : {}),
          ...(stage !== undefined ? { stage } : {}),
          at,
        },
      ],
      partitionCount,
    )
    return { from: source, into: merged!, movedEvents }
  })
}

/** The contacts among `ids` that were merged into another, and where each leads now. */
export async function mergedInto(exec: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (!Array.isArray(ids)) throw new StoreInputError('ids', v.AN_ARRAY)
  const unique = [...new Set(ids.map((id, i) => v.text(id, `ids[${i}]`)))]
  const out = new Map<string, string>()
  for (const part of chunks(unique)) {
    const rows = await exec.all(
      `SELECT id, merged_into FROM contacts WHERE id IN (${marks(part.length)}) AND merged_into IS NOT NULL`,
      part,
    )
    for (const r of rows) out.set(String(r['id']), String(r['merged_into']))
  }
  return out
}
