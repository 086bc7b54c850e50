/**
 * The ranked queue in SQL: filters, keyset pagination on (sort key, contact id) served by
 * the `(model_id, key, contact_id)` indexes, and counts per dimension.
 * @module
 */
import { decodeCursor, encodeCursor } from '../cursor.js'
import { StoreInputError } from '../errors.js'
import {
  CONTACT_SORTS,
  COUNT_DIMENSIONS,
  type ContactFilters,
  type ContactPage,
  type ContactQuery,
  type CountQuery,
  type CountRow,
  type OneOrMany,
} from '../records/contact-query.js'
import { containsPattern } from '../search-text.js'
import * as v from '../validate.js'
import type { Executor, SqlValue } from './executor.js'
import {
  aliased,
  CONTACT_COLUMNS,
  contactFromRow,
  marks,
  SCORE_COLUMNS,
  scoreFromRow,
  unprefix,
} from './rows.js'

/** Sort keys: the expressions the indexes are built on (unknowns sort lowest). */
const SORT_KEYS = {
  total: 's.total',
  fit: 's.fit',
  engagement: 's.engagement',
  likelihood: 'coalesce(s.likelihood, -1)',
  last_activity: 'coalesce(s.last_activity_at, -9007199254740991)',
  id: null,
} as const

const SCORE_FILTERS = {
  band: 's.band',
  grade: 's.grade',
  level: 's.level',
  label: 's.label',
  journey: 's.journey',
}
const CONTACT_FILTERS = { stage: 'c.stage', owner: 'c.owner', account: 'c.account_id' }

function values(value: OneOrMany, field: string): string[] {
  return typeof value === 'string' ? [v.text(value, field)] : v.texts(value, field)
}

interface Where {
  readonly sql: string[]
  readonly params: SqlValue[]
  /** Whether a condition reads the contacts table. */
  contacts: boolean
}

function filterWhere(model: string, filters: ContactFilters | undefined): Where {
  const where: Where = { sql: ['s.model_id = ?'], params: [v.text(model, 'model')], contacts: false }
  if (filters === undefined) return where
  if (filters === null || typeof filters !== 'object') throw new StoreInputError('filters', v.AN_OBJECT)
  const inList = (column: string, value: OneOrMany, field: string) => {
    const list = values(value, field)
    where.sql.push(list.length === 0 ? '1 = 0' : `${column} IN (${marks(list.length)})`)
    where.params.push(...list)
  }
  for (const [name, column] of Object.entries(SCORE_FILTERS)) {
    const value = filters[name as keyof typeof SCORE_FILTERS]
    if (value !== undefined) inList(column, value, `filters.${name}`)
  }
  for (const [name, column] of Object.entries(CONTACT_FILTERS)) {
    const value = filters[name as keyof typeof CONTACT_FILTERS]
    if (value === undefined) continue
    inList(column, value, `filters.${name}`)
    where.contacts = true
  }
  if (filters.segment !== undefined) {
    for (const segment of values(filters.segment, 'filters.segment')) {
      // a correlated lookup per row: with statistics, SQLite would build a Bloom filter over
      // the whole segment table for an EXISTS on every query
      where.sql.push(
        '(SELECT 1 FROM contact_segments g WHERE g.model_id = s.model_id AND g.segment = ? AND g.contact_id = s.contact_id) IS NOT NULL',
      )
      where.params.push(segment)
    }
  }
  if (filters.text !== undefined) {
    if (typeof filters.text !== 'string') throw new StoreInputError('filters.text', v.A_STRING)
    if (filters.text.trim() !== '') {
      where.sql.push("c.search LIKE ? ESCAPE '\\'")
      where.params.push(containsPattern(v.text(filters.text.trim(), 'filters.text')))
      where.contacts = true
    }
  }
  return where
}

const SELECT_RANKED = `${aliased('s', SCORE_COLUMNS)}, ${aliased('c', CONTACT_COLUMNS)}`

export async function listContacts(exec: Executor, query: ContactQuery): Promise<ContactPage> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const sort = v.oneOf(query.sort ?? 'total', CONTACT_SORTS, 'sort')
  const direction = v.oneOf(query.direction ?? 'desc', ['asc', 'desc'] as const, 'direction')
  const limit = v.positiveInteger(query.limit ?? 50, 'limit')
  if (limit > 1000)
    throw new StoreInputError('limit', {
      key: 'store.atMost',
      values: { max: '1000', value: String(limit) },
    })
  const where = filterWhere(query.model, query.filters)
  const keyExpr = SORT_KEYS[sort]
  const op = direction === 'desc' ? '<' : '>'
  if (query.cursor !== undefined && query.cursor !== null) {
    const position = decodeCursor(v.text(query.cursor, 'cursor'), sort, direction)
    if (keyExpr === null) {
      where.sql.push(`s.contact_id ${op} ?`)
      where.params.push(position.id)
    } else {
      if (position.key === null)
        throw new StoreInputError('cursor', { key: 'store.cursor', values: { call: 'listContacts' } })
      where.sql.push(`(${keyExpr}, s.contact_id) ${op} (?, ?)`)
      where.params.push(position.key, position.id)
    }
  }
  const dir = direction === 'desc' ? 'DESC' : 'ASC'
  const order = keyExpr === null ? `s.contact_id ${dir}` : `${keyExpr} ${dir}, s.contact_id ${dir}`
  // CROSS JOIN: SQLite walks the scores in index order and stops at the limit, rather than
  // sorting every contact of a filter (an owner's thousands); PostgreSQL plans it as a join
  const rows = await exec.all(
    `SELECT ${SELECT_RANKED}, ${keyExpr ?? 'NULL'} AS sort_key
     FROM contact_scores s CROSS JOIN contacts c
     WHERE c.id = s.contact_id AND ${where.sql.join(' AND ')}
     ORDER BY ${order} LIMIT ?`,
    [...where.params, limit + 1],
  )
  const page = rows.slice(0, limit)
  const items = page.map((row) => ({
    contact: contactFromRow(unprefix(row, 'c')),
    score: scoreFromRow(unprefix(row, 's')),
  }))
  const last = page.at(-1)
  const nextCursor =
    rows.length > limit && last !== undefined
      ? encodeCursor({
          sort,
          direction,
          key: keyExpr === null ? null : Number(last['sort_key']),
          id: last['s_contact_id'] as string,
        })
      : null
  return { items, nextCursor }
}

export async function countContacts(exec: Executor, query: CountQuery): Promise<CountRow[]> {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', v.AN_OBJECT)
  const by = v.oneOf(query.by, COUNT_DIMENSIONS, 'by')
  const where = filterWhere(query.model, query.filters)
  let value: string
  let from = 'contact_scores s'
  if (by === 'segment') {
    value = 'g.segment'
    from += ' JOIN contact_segments g ON g.model_id = s.model_id AND g.contact_id = s.contact_id'
  } else if (by === 'stage' || by === 'owner') {
    value = `c.${by}`
    where.contacts = true
  } else {
    value = `s.${by}`
  }
  if (where.contacts) from += ' JOIN contacts c ON c.id = s.contact_id'
  const rows = await exec.all<{ value: string | null; n: number }>(
    `SELECT ${value} AS value, count(*) AS n FROM ${from} WHERE ${where.sql.join(' AND ')} GROUP BY ${value}`,
    where.params,
  )
  return rows
    .map((r) => ({ value: r.value, count: Number(r.n) }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        (a.value === b.value ? 0 : a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : 1),
    )
}
