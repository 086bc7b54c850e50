/**
 * Bulk reads for the scoring service in SQL: stale contacts, scores with state, account
 * members, ranked accounts.
 * @module
 */
import type { Properties } from '../../core/index.js'
import { StoreInputError } from '../errors.js'
import { fromJson } from '../json.js'
import type { AccountRecord, AccountScoreRecord } from '../records/account.js'
import type { ContactRecord } from '../records/contact.js'
import type { StoredEvent } from '../records/event.js'
import type {
  AccountMemberScore,
  AccountPage,
  AccountQuery,
  AccountRollupInput,
  AccountsWithMembersQuery,
  ContactEventList,
  ContactRange,
  ContactsAfterQuery,
  ScoreWithState,
  StaleContactsQuery,
} from '../records/rescore.js'
import type { ScoreRecord } from '../records/score.js'
import * as v from '../validate.js'
import type { Executor, Row, SqlValue } from './executor.js'
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_SCORE_COLUMNS,
  accountFromRow,
  accountScoreFromRow,
  aliased,
  CONTACT_COLUMNS,
  chunks,
  contactFromRow,
  EVENT_COLUMNS,
  eventFromRow,
  marks,
  SCORE_COLUMNS,
  scoreFromRow,
  unprefix,
} from './rows.js'

export async function staleContacts(exec: Executor, query: StaleContactsQuery): Promise<string[]> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const params: SqlValue[] = [v.text(query.model, 'model'), v.positiveInteger(query.version, 'version')]
  let after = ''
  if (query.after !== undefined && query.after !== null) {
    after = 'AND c.id > ?'
    params.push(v.text(query.after, 'after'))
  }
  params.push(v.positiveInteger(query.limit, 'limit'))
  const rows = await exec.all<{ id: string }>(
    `SELECT c.id AS id FROM contacts c
     LEFT JOIN contact_scores s ON s.model_id = ? AND s.contact_id = c.id AND s.model_version = ?
     WHERE s.contact_id IS NULL AND c.merged_into IS NULL ${after}
     ORDER BY c.id LIMIT ?`,
    params,
  )
  return rows.map((r) => r.id)
}

export async function accountsWithMembers(
  exec: Executor,
  query: AccountsWithMembersQuery,
): Promise<string[]> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const params: SqlValue[] = []
  let after = ''
  if (query.after !== undefined && query.after !== null) {
    after = 'AND a.id > ?'
    params.push(v.text(query.after, 'after'))
  }
  params.push(v.positiveInteger(query.limit, 'limit'))
  const rows = await exec.all<{ id: string }>(
    `SELECT a.id AS id FROM accounts a
     WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id) ${after}
     ORDER BY a.id LIMIT ?`,
    params,
  )
  return rows.map((r) => r.id)
}

export async function eventsOfContacts(
  exec: Executor,
  contactIds: readonly string[],
): Promise<ContactEventList[]> {
  if (!Array.isArray(contactIds)) throw new StoreInputError('contactIds', v.AN_ARRAY)
  const ids = [...new Set(contactIds.map((id, i) => v.text(id, `contactIds[${i}]`)))]
  const found = new Map<string, StoredEvent[]>(ids.map((id) => [id, []]))
  const columns = EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')
  for (const part of chunks(ids, 250)) {
    const rows = await exec.all(
      `SELECT ${columns}, e.contact_id AS owner FROM events e WHERE e.contact_id IN (${marks(part.length)})
       UNION ALL
       SELECT ${columns}, a.contact_id AS owner FROM aliases a CROSS JOIN events e
       WHERE a.contact_id IN (${marks(part.length)}) AND e.anonymous_id = a.anonymous_id AND e.contact_id IS NULL
       ORDER BY owner, ts, id`,
      [...part, ...part],
    )
    for (const row of rows) found.get(row['owner'] as string)!.push(eventFromRow(row))
  }
  return ids.map((contactId) => ({ contactId, events: found.get(contactId)! }))
}

export async function contactsAfter(exec: Executor, query: ContactsAfterQuery): Promise<ContactRecord[]> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const params: SqlValue[] = []
  let after = ''
  if (query.after !== undefined && query.after !== null) {
    after = 'AND id > ?'
    params.push(v.text(query.after, 'after'))
  }
  params.push(v.positiveInteger(query.limit, 'limit'))
  const rows = await exec.all(
    `SELECT ${CONTACT_COLUMNS.join(', ')} FROM contacts WHERE merged_into IS NULL ${after} ORDER BY id LIMIT ?`,
    params,
  )
  return rows.map(contactFromRow)
}

export async function eventsOfContactRange(exec: Executor, range: ContactRange): Promise<ContactEventList[]> {
  if (range === null || typeof range !== 'object') throw new StoreInputError('range', v.AN_OBJECT)
  const upTo = v.text(range.upTo, 'upTo')
  const hasAfter = range.after !== undefined && range.after !== null
  const bounds: SqlValue[] = hasAfter ? [v.text(range.after, 'after'), upTo] : [upTo]
  const within = (column: string) => `${hasAfter ? `${column} > ? AND ` : ''}${column} <= ?`
  // one row per contact, its events a JSON array (a row per event costs several times more
  // to hand over than the JSON to parse), the properties within it as JSON: one parse a contact
  const pg = exec.dialect.name === 'postgres'
  const event = `${pg ? 'json_build_array' : 'json_array'}(id, contact_id, anonymous_id, name, ts, received_at, ${pg ? 'properties' : 'json(properties)'})`
  const columns = EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')
  const rows = await exec.all<{ owner: string; events: string }>(
    `SELECT owner, ${pg ? 'json_agg' : 'json_group_array'}(${event} ORDER BY ts, id) AS events FROM (
       SELECT ${columns}, e.contact_id AS owner FROM events e WHERE ${within('e.contact_id')}
       UNION ALL
       SELECT ${columns}, a.contact_id AS owner FROM aliases a CROSS JOIN events e
       WHERE ${within('a.contact_id')} AND e.anonymous_id = a.anonymous_id AND e.contact_id IS NULL
     ) AS owned GROUP BY owner ORDER BY owner`,
    [...bounds, ...bounds],
  )
  return rows.map((row) => ({
    contactId: row.owner,
    events: fromJson<EventTuple[]>(row.events).map(
      ([id, contactId, anonymousId, name, ts, receivedAt, properties]): StoredEvent => ({
        id,
        contactId,
        anonymousId,
        name,
        ts: Number(ts),
        receivedAt: Number(receivedAt),
        properties,
      }),
    ),
  }))
}

/** An event as `eventsOfContactRange` aggregates it: the columns of `EVENT_COLUMNS`, in order. */
type EventTuple = [string, string | null, string | null, string, number, number, Properties]

/** The scores (without their state) of `contactIds` under one model, in the order of `contactIds` (unscored ones left out). */
export async function scoresOf(
  exec: Executor,
  modelId: string,
  contactIds: readonly string[],
): Promise<ScoreRecord[]> {
  const model = v.text(modelId, 'modelId')
  if (!Array.isArray(contactIds)) throw new StoreInputError('contactIds', v.AN_ARRAY)
  const ids = [...new Set(contactIds.map((id, i) => v.text(id, `contactIds[${i}]`)))]
  const found = new Map<string, ScoreRecord>()
  for (const part of chunks(ids)) {
    const rows = await exec.all(
      `SELECT ${SCORE_COLUMNS.join(', ')} FROM contact_scores WHERE model_id = ? AND contact_id IN (${marks(part.length)})`,
      [model, ...part],
    )
    for (const row of rows) found.set(row['contact_id'] as string, scoreFromRow(row))
  }
  return contactIds.flatMap((id) => {
    const s = found.get(id)
    return s ? [s] : []
  })
}

export async function scoresWithState(
  exec: Executor,
  modelId: string,
  contactIds: readonly string[],
): Promise<ScoreWithState[]> {
  const model = v.text(modelId, 'modelId')
  if (!Array.isArray(contactIds)) throw new StoreInputError('contactIds', v.AN_ARRAY)
  const ids = [...new Set(contactIds.map((id, i) => v.text(id, `contactIds[${i}]`)))]
  const found = new Map<string, ScoreWithState>()
  for (const part of chunks(ids)) {
    const rows = await exec.all(
      `SELECT ${SCORE_COLUMNS.join(', ')}, state FROM contact_scores
       WHERE model_id = ? AND contact_id IN (${marks(part.length)})`,
      [model, ...part],
    )
    for (const row of rows) {
      const state = row['state']
      found.set(row['contact_id'] as string, {
        score: scoreFromRow(row),
        state: state === null || state === undefined ? null : fromJson(state),
      })
    }
  }
  return contactIds.flatMap((id) => {
    const s = found.get(id)
    return s ? [s] : []
  })
}

export async function accountMembers(
  exec: Executor,
  accountId: string,
  modelId: string,
): Promise<AccountMemberScore[]> {
  const rows = await exec.all(
    `SELECT ${aliased('c', CONTACT_COLUMNS)}, ${aliased('s', SCORE_COLUMNS)}
     FROM contacts c LEFT JOIN contact_scores s ON s.model_id = ? AND s.contact_id = c.id
     WHERE c.account_id = ? ORDER BY c.id`,
    [v.text(modelId, 'modelId'), v.text(accountId, 'accountId')],
  )
  return rows.map(memberFromRow)
}

/** A row of `c.`- and `s.`-prefixed contact and score columns (the score's null when unscored). */
function memberFromRow(row: Row): AccountMemberScore {
  const score = unprefix(row, 's')
  return {
    contact: contactFromRow(unprefix(row, 'c')),
    score: score['contact_id'] === null || score['contact_id'] === undefined ? null : scoreFromRow(score),
  }
}

export async function accountRollups(
  exec: Executor,
  accountIds: readonly string[],
  modelId: string,
): Promise<AccountRollupInput[]> {
  const model = v.text(modelId, 'modelId')
  if (!Array.isArray(accountIds)) throw new StoreInputError('accountIds', v.AN_ARRAY)
  const ids = [...new Set(accountIds.map((id, i) => v.text(id, `accountIds[${i}]`)))].sort()
  const found = new Map<
    string,
    { account: AccountRecord; scores: AccountScoreRecord[]; members: AccountMemberScore[] }
  >()
  for (const part of chunks(ids)) {
    const accounts = await exec.all(
      `SELECT ${ACCOUNT_COLUMNS.join(', ')} FROM accounts WHERE id IN (${marks(part.length)})`,
      part,
    )
    for (const row of accounts) {
      const account = accountFromRow(row)
      found.set(account.id, { account, scores: [], members: [] })
    }
  }
  // locked in id order (as `lockAccountScores` one account at a time), before the members are read
  for (const part of chunks(ids)) {
    const scores = await exec.all(
      `SELECT ${ACCOUNT_SCORE_COLUMNS.join(', ')} FROM account_scores WHERE account_id IN (${marks(part.length)})
       ORDER BY account_id, model_id${exec.dialect.forUpdate}`,
      part,
    )
    for (const row of scores) {
      const score = accountScoreFromRow(row)
      found.get(score.accountId)?.scores.push(score)
    }
  }
  for (const part of chunks(ids)) {
    const members = await exec.all(
      `SELECT c.account_id AS member_of, ${aliased('c', CONTACT_COLUMNS)}, ${aliased('s', SCORE_COLUMNS)}
       FROM contacts c LEFT JOIN contact_scores s ON s.model_id = ? AND s.contact_id = c.id
       WHERE c.account_id IN (${marks(part.length)}) ORDER BY c.account_id, c.id`,
      [model, ...part],
    )
    for (const row of members) found.get(row['member_of'] as string)?.members.push(memberFromRow(row))
  }
  return ids.flatMap((id) => {
    const rollup = found.get(id)
    return rollup === undefined ? [] : [rollup]
  })
}

function encodeAccountCursor(total: number, id: string): string {
  return Buffer.from(JSON.stringify([1, total, id]), 'utf8').toString('base64url')
}

function decodeAccountCursor(cursor: string): { total: number; id: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== 1 ||
    typeof parsed[1] !== 'number' ||
    typeof parsed[2] !== 'string'
  ) {
    throw new StoreInputError('cursor', { key: 'store.cursor', values: { call: 'listAccounts' } })
  }
  return { total: parsed[1], id: parsed[2] }
}

export async function listAccounts(exec: Executor, query: AccountQuery): Promise<AccountPage> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const limit = v.positiveInteger(query.limit ?? 50, 'limit')
  if (limit > 1000)
    throw new StoreInputError('limit', {
      key: 'store.atMost',
      values: { max: '1000', value: String(limit) },
    })
  const params: SqlValue[] = [v.text(query.model, 'model')]
  let after = ''
  if (query.cursor !== undefined && query.cursor !== null) {
    const position = decodeAccountCursor(v.text(query.cursor, 'cursor'))
    after = 'AND (s.total < ? OR (s.total = ? AND s.account_id < ?))'
    params.push(position.total, position.total, position.id)
  }
  params.push(limit + 1)
  const rows = await exec.all(
    `SELECT ${aliased('s', ACCOUNT_SCORE_COLUMNS)}, ${aliased('a', ACCOUNT_COLUMNS)}
     FROM account_scores s CROSS JOIN accounts a
     WHERE s.model_id = ? AND a.id = s.account_id ${after}
     ORDER BY s.total DESC, s.account_id DESC LIMIT ?`,
    params,
  )
  const items = rows.slice(0, limit).map((row) => ({
    account: accountFromRow(unprefix(row, 'a')),
    score: accountScoreFromRow(unprefix(row, 's')),
  }))
  const last = items.at(-1)
  return {
    items,
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeAccountCursor(last.score.total, last.account.id)
        : null,
  }
}
