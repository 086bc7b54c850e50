/**
 * Contacts, accounts and aliases in SQL. Writes first make sure every row exists (insert,
 * or nothing when it does), then lock and read them, merge in memory, and write them back:
 * concurrent writers to one contact wait for each other, and none loses the other's keys.
 * @module
 */
import type { Properties } from '../../core/index.js'
import { StoreInputError } from '../errors.js'
import { fromJson, mergeProperties, toJson } from '../json.js'
import { partitionOf } from '../partition.js'
import type { AccountRecord, AccountScoreRecord, AccountWrite } from '../records/account.js'
import type {
  AliasResult,
  AliasWrite,
  AnonymousTraitsWrite,
  ContactRecord,
  ContactWrite,
} from '../records/contact.js'
import { searchTextOf } from '../search-text.js'
import * as v from '../validate.js'
import type { Executor, Row, SqlValue } from './executor.js'
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_SCORE_COLUMNS,
  accountFromRow,
  accountScoreFromRow,
  CONTACT_COLUMNS,
  chunks,
  contactFromRow,
  marks,
} from './rows.js'

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Rows of `table` by id, locked for update when in a transaction (PostgreSQL). */
async function rowsById(exec: Executor, table: string, columns: readonly string[], ids: readonly string[]) {
  const found = new Map<string, Row>()
  for (const part of chunks(ids)) {
    const rows = await exec.all(
      `SELECT ${columns.join(', ')} FROM ${table} WHERE id IN (${marks(part.length)}) ORDER BY id${exec.dialect.forUpdate}`,
      part,
    )
    for (const row of rows) found.set(row['id'] as string, row)
  }
  return found
}

interface ContactChange {
  readonly id: string
  readonly properties: Properties | undefined
  readonly replace: boolean
  readonly accountId: string | null | undefined
  readonly stage: string | null | undefined
  readonly owner: string | null | undefined
  readonly at: number
}

function contactChange(c: ContactWrite, f: string): ContactChange {
  if (c === null || typeof c !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
  const keep = <T>(value: T | undefined, check: (x: unknown, field: string) => T, field: string) =>
    value === undefined ? undefined : check(value, field)
  const properties = keep(c.properties, v.properties, `${f}.properties`)
  if (properties !== undefined) v.json(properties, `${f}.properties`)
  return {
    id: v.text(c.id, `${f}.id`),
    properties,
    replace: c.replaceProperties === true,
    accountId: keep(c.accountId, v.nullableText, `${f}.accountId`),
    stage: keep(c.stage, v.nullableText, `${f}.stage`),
    owner: keep(c.owner, v.nullableText, `${f}.owner`),
    at: v.time(c.at, `${f}.at`),
  }
}

export async function upsertContacts(
  exec: Executor,
  writes: readonly ContactWrite[],
  partitionCount: number,
): Promise<ContactRecord[]> {
  if (!Array.isArray(writes)) throw new StoreInputError('contacts', v.AN_ARRAY)
  const changes = writes.map((c, i) => contactChange(c, `contacts[${i}]`))
  if (changes.length === 0) return []
  const firstAt = new Map<string, number>()
  for (const c of changes) if (!firstAt.has(c.id)) firstAt.set(c.id, c.at)
  const ids = [...firstAt.keys()].sort(byId)
  return exec.transaction(async (tx) => {
    await tx.insertMany(
      'contacts',
      [...CONTACT_COLUMNS, 'search'],
      ids.map((id) => {
        const at = firstAt.get(id)!
        return [id, '{}', null, null, null, partitionOf(id, partitionCount), at, at, searchTextOf(id, {})]
      }),
      'ON CONFLICT (id) DO NOTHING',
    )
    const stored = await rowsById(tx, 'contacts', CONTACT_COLUMNS, ids)
    const current = new Map<string, ContactRecord>()
    for (const [id, row] of stored) current.set(id, contactFromRow(row))
    const changed = new Set<string>()
    for (const c of changes) {
      const before = current.get(c.id)!
      const after: ContactRecord = {
        ...before,
        properties:
          c.properties === undefined
            ? before.properties
            : mergeProperties(c.replace ? {} : before.properties, c.properties),
        accountId: c.accountId === undefined ? before.accountId : c.accountId,
        stage: c.stage === undefined ? before.stage : c.stage,
        owner: c.owner === undefined ? before.owner : c.owner,
      }
      if (!sameContact(before, after)) {
        current.set(c.id, { ...after, updatedAt: Math.max(before.updatedAt, c.at) })
        changed.add(c.id)
      }
    }
    if (changed.size > 0) {
      await tx.insertMany(
        'contacts',
        [...CONTACT_COLUMNS, 'search'],
        [...changed].sort(byId).map((id) => {
          const c = current.get(id)!
          const props = toJson(c.properties)
          return [
            id,
            props,
            c.accountId,
            c.stage,
            c.owner,
            c.partition,
            c.createdAt,
            c.updatedAt,
            searchTextOf(id, c.properties),
          ]
        }),
        `ON CONFLICT (id) DO UPDATE SET properties = excluded.properties, account_id = excluded.account_id,
           stage = excluded.stage, owner = excluded.owner, search = excluded.search, updated_at = excluded.updated_at`,
      )
    }
    return changes.map((c) => current.get(c.id)!)
  })
}

function sameContact(a: ContactRecord, b: ContactRecord): boolean {
  return (
    a.accountId === b.accountId &&
    a.stage === b.stage &&
    a.owner === b.owner &&
    (a.properties === b.properties || toJson(a.properties) === toJson(b.properties))
  )
}

export async function lockContacts(exec: Executor, ids: readonly string[]): Promise<ContactRecord[]> {
  if (!Array.isArray(ids)) throw new StoreInputError('ids', v.AN_ARRAY)
  const wanted = ids.map((id, i) => v.text(id, `ids[${i}]`))
  // locked in id order, as `upsertContacts` locks them
  const found = await rowsById(exec, 'contacts', CONTACT_COLUMNS, [...new Set(wanted)].sort(byId))
  return wanted.flatMap((id) => {
    const row = found.get(id)
    return row ? [contactFromRow(row)] : []
  })
}

export async function getContacts(exec: Executor, ids: readonly string[]): Promise<ContactRecord[]> {
  if (!Array.isArray(ids)) throw new StoreInputError('ids', v.AN_ARRAY)
  const wanted = ids.map((id, i) => v.text(id, `ids[${i}]`))
  const found = new Map<string, Row>()
  for (const part of chunks([...new Set(wanted)])) {
    const rows = await exec.all(
      `SELECT ${CONTACT_COLUMNS.join(', ')} FROM contacts WHERE id IN (${marks(part.length)})`,
      part,
    )
    for (const row of rows) found.set(row['id'] as string, row)
  }
  return wanted.flatMap((id) => {
    const row = found.get(id)
    return row ? [contactFromRow(row)] : []
  })
}

export async function linkAliases(exec: Executor, links: readonly AliasWrite[]): Promise<AliasResult[]> {
  if (!Array.isArray(links)) throw new StoreInputError('links', v.AN_ARRAY)
  const checked = links.map((l, i) => {
    const f = `links[${i}]`
    if (l === null || typeof l !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    return {
      anonymousId: v.text(l.anonymousId, `${f}.anonymousId`),
      contactId: v.text(l.contactId, `${f}.contactId`),
      at: v.time(l.at, `${f}.at`),
    }
  })
  if (checked.length === 0) return []
  const first = new Map<string, SqlValue[]>()
  for (const l of checked)
    if (!first.has(l.anonymousId)) first.set(l.anonymousId, [l.anonymousId, l.contactId, l.at])
  const anonymous = [...first.keys()].sort(byId)
  return exec.transaction(async (tx) => {
    const created = await tx.insertMany<{ anonymous_id: string }>(
      'aliases',
      ['anonymous_id', 'contact_id', 'created_at'],
      anonymous.map((id) => first.get(id)!),
      'ON CONFLICT (anonymous_id) DO NOTHING RETURNING anonymous_id',
    )
    const fresh = new Set(created.map((r) => r.anonymous_id))
    const owner = new Map<string, string>()
    for (const part of chunks(anonymous)) {
      const rows = await tx.all<{ anonymous_id: string; contact_id: string }>(
        `SELECT anonymous_id, contact_id FROM aliases WHERE anonymous_id IN (${marks(part.length)})`,
        part,
      )
      for (const r of rows) owner.set(r.anonymous_id, r.contact_id)
    }
    return checked.map((l) => ({
      anonymousId: l.anonymousId,
      contactId: owner.get(l.anonymousId)!,
      created: fresh.delete(l.anonymousId),
    }))
  })
}

export async function aliasesOf(exec: Executor, contactId: string): Promise<string[]> {
  const rows = await exec.all<{ anonymous_id: string }>(
    'SELECT anonymous_id FROM aliases WHERE contact_id = ? ORDER BY anonymous_id',
    [v.text(contactId, 'contactId')],
  )
  return rows.map((r) => r.anonymous_id)
}

export async function contactOfAlias(exec: Executor, anonymousId: string): Promise<string | undefined> {
  const [row] = await exec.all<{ contact_id: string }>(
    'SELECT contact_id FROM aliases WHERE anonymous_id = ?',
    [v.text(anonymousId, 'anonymousId')],
  )
  return row?.contact_id
}

export async function upsertAccounts(
  exec: Executor,
  writes: readonly AccountWrite[],
): Promise<AccountRecord[]> {
  if (!Array.isArray(writes)) throw new StoreInputError('accounts', v.AN_ARRAY)
  const changes = writes.map((a, i) => {
    const f = `accounts[${i}]`
    if (a === null || typeof a !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const properties = a.properties === undefined ? undefined : v.properties(a.properties, `${f}.properties`)
    if (properties !== undefined) v.json(properties, `${f}.properties`)
    return {
      id: v.text(a.id, `${f}.id`),
      properties,
      replace: a.replaceProperties === true,
      at: v.time(a.at, `${f}.at`),
    }
  })
  if (changes.length === 0) return []
  const firstAt = new Map<string, number>()
  for (const c of changes) if (!firstAt.has(c.id)) firstAt.set(c.id, c.at)
  const ids = [...firstAt.keys()].sort(byId)
  return exec.transaction(async (tx) => {
    await tx.insertMany(
      'accounts',
      ACCOUNT_COLUMNS,
      ids.map((id) => [id, '{}', firstAt.get(id)!, firstAt.get(id)!]),
      'ON CONFLICT (id) DO NOTHING',
    )
    const current = new Map<string, AccountRecord>()
    for (const [id, row] of await rowsById(tx, 'accounts', ACCOUNT_COLUMNS, ids))
      current.set(id, accountFromRow(row))
    for (const c of changes) {
      const before = current.get(c.id)!
      if (c.properties === undefined) continue
      const properties = mergeProperties(c.replace ? {} : before.properties, c.properties)
      current.set(c.id, { ...before, properties, updatedAt: Math.max(before.updatedAt, c.at) })
    }
    await tx.insertMany(
      'accounts',
      ACCOUNT_COLUMNS,
      ids.map((id) => {
        const a = current.get(id)!
        return [id, toJson(a.properties), a.createdAt, a.updatedAt]
      }),
      'ON CONFLICT (id) DO UPDATE SET properties = excluded.properties, updated_at = excluded.updated_at',
    )
    return changes.map((c) => current.get(c.id)!)
  })
}

export async function getAccount(exec: Executor, id: string): Promise<AccountRecord | undefined> {
  const [row] = await exec.all(`SELECT ${ACCOUNT_COLUMNS.join(', ')} FROM accounts WHERE id = ?`, [
    v.text(id, 'id'),
  ])
  return row ? accountFromRow(row) : undefined
}

export async function accountContacts(exec: Executor, accountId: string): Promise<ContactRecord[]> {
  const rows = await exec.all(
    `SELECT ${CONTACT_COLUMNS.join(', ')} FROM contacts WHERE account_id = ? ORDER BY id`,
    [v.text(accountId, 'accountId')],
  )
  return rows.map(contactFromRow)
}

export async function accountScores(
  exec: Executor,
  accountId: string,
  options: { lock?: boolean } = {},
): Promise<AccountScoreRecord[]> {
  const rows = await exec.all(
    `SELECT ${ACCOUNT_SCORE_COLUMNS.join(', ')} FROM account_scores WHERE account_id = ? ORDER BY model_id${options.lock ? exec.dialect.forUpdate : ''}`,
    [v.text(accountId, 'accountId')],
  )
  return rows.map(accountScoreFromRow)
}

/** Merges traits of anonymous visitors (key by key, later writes win) into what is kept for them. */
export async function putAnonymousTraits(
  exec: Executor,
  writes: readonly AnonymousTraitsWrite[],
): Promise<void> {
  if (!Array.isArray(writes)) throw new StoreInputError('writes', v.AN_ARRAY)
  const checked = writes.map((w, i) => {
    const f = `writes[${i}]`
    if (w === null || typeof w !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    return {
      anonymousId: v.text(w.anonymousId, `${f}.anonymousId`),
      traits: v.properties(w.traits, `${f}.traits`),
      at: v.time(w.at, `${f}.at`),
    }
  })
  if (checked.length === 0) return
  await exec.transaction(async (tx) => {
    const merged = new Map<string, { traits: Properties; at: number }>()
    const ids = [...new Set(checked.map((w) => w.anonymousId))].sort(byId)
    for (const part of chunks(ids)) {
      const rows = await tx.all<{ anonymous_id: string; traits: string }>(
        `SELECT anonymous_id, traits FROM anonymous_traits WHERE anonymous_id IN (${marks(part.length)})${tx.dialect.forUpdate}`,
        part,
      )
      for (const r of rows) merged.set(r.anonymous_id, { traits: fromJson<Properties>(r.traits), at: 0 })
    }
    for (const w of checked) {
      const current = merged.get(w.anonymousId)
      merged.set(w.anonymousId, {
        traits: mergeProperties(current?.traits ?? {}, w.traits),
        at: Math.max(current?.at ?? 0, w.at),
      })
    }
    await tx.insertMany(
      'anonymous_traits',
      ['anonymous_id', 'traits', 'updated_at'],
      ids.map((id) => [id, v.json(merged.get(id)!.traits, 'traits'), merged.get(id)!.at]),
      'ON CONFLICT (anonymous_id) DO UPDATE SET traits = excluded.traits, updated_at = excluded.updated_at',
    )
  })
}

/** The traits kept for `anonymousIds`, removed from the store (they move to a contact). */
export async function takeAnonymousTraits(
  exec: Executor,
  anonymousIds: readonly string[],
): Promise<{ anonymousId: string; traits: Properties }[]> {
  if (!Array.isArray(anonymousIds)) throw new StoreInputError('anonymousIds', v.AN_ARRAY)
  const ids = [...new Set(anonymousIds.map((id, i) => v.text(id, `anonymousIds[${i}]`)))].sort(byId)
  if (ids.length === 0) return []
  return exec.transaction(async (tx) => {
    const out: { anonymousId: string; traits: Properties }[] = []
    for (const part of chunks(ids)) {
      const rows = await tx.all<{ anonymous_id: string; traits: string }>(
        `SELECT anonymous_id, traits FROM anonymous_traits WHERE anonymous_id IN (${marks(part.length)})`,
        part,
      )
      for (const r of rows) out.push({ anonymousId: r.anonymous_id, traits: fromJson<Properties>(r.traits) })
      await tx.run(`DELETE FROM anonymous_traits WHERE anonymous_id IN (${marks(part.length)})`, part)
    }
    return out
  })
}
