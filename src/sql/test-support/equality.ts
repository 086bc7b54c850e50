/**
 * The engine's scores of a dataset and the same dataset as SQL tables, for the equality
 * tests of the compiled SQL.
 * @module
 */

import { EventColumnsBuilder, scoreAccountsFromColumns, scoreColumns } from '../../core/columnar/index.js'
import { compileModel } from '../../core/compile.js'
import { evaluateContact } from '../../core/evaluate.js'
import type { ContactEvent, Properties } from '../../core/input.js'
import type { ModelDocument } from '../../core/model/types.js'
import { cellValue } from '../../io/cell-value.js'
import type { SqlSchema } from '../compile.js'
import type { DialectName } from '../dialect.js'
import { backquoted, clickhouseString, doubleQuoted, singleQuoted } from '../quote.js'
import { ACCOUNT_COLUMNS, AS_OF, CONTACT_COLUMNS, type Dataset, EVENT_COLUMNS } from './arbitraries.js'

const text = (columns: readonly string[]) => Object.fromEntries(columns.map((c) => [c, 'text' as const]))

/** The columns of the tables of {@link tableStatements}. */
export const SCHEMA: SqlSchema = {
  contacts: { ...text(['contact_id', ...CONTACT_COLUMNS]), ord: 'number' },
  events: text(['event_id', 'contact_id', 'event', 'timestamp', ...EVENT_COLUMNS]),
  accounts: text(['account_id', ...ACCOUNT_COLUMNS]),
}

export type ScoreRecord = Readonly<Record<string, unknown>>

/** Properties as `leadscore score` reads them from CSV: empty cells absent, canonical numbers numbers. */
function properties(props: Readonly<Record<string, string | undefined>>): Properties {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(props)) if (v !== undefined) out[k] = cellValue(v)
  return out
}

/** The engine's output rows by contact id: `evaluateContact` per contact, accounts from the bulk scorer. */
export function engineScores(doc: ModelDocument, data: Dataset): Map<string, ScoreRecord> {
  const model = compileModel(doc)
  const accountProps = new Map(data.accounts.map((a) => [a.id, properties(a.props)]))
  const index = new Map(data.contacts.map((c, i) => [c.id, i]))
  const perContact = data.contacts.map((): ContactEvent[] => [])
  const builder = new EventColumnsBuilder({ contacts: data.contacts.length })
  for (const e of data.events) {
    const c = index.get(e.contactId)
    if (c === undefined) continue
    const event = { id: e.id, name: e.name, ts: e.ts, properties: properties(e.props) }
    perContact[c]!.push(event)
    builder.add(c, event)
  }
  const contactProps = data.contacts.map((c) => properties(c.props))
  const accounts = contactProps.map((p) =>
    p.account_id === undefined ? undefined : accountProps.get(String(p.account_id)),
  )
  const columns = {
    length: data.contacts.length,
    ids: data.contacts.map((c) => c.id),
    properties: contactProps,
    accounts,
  }
  const bulk = scoreColumns(model, columns, builder.finish(), AS_OF)
  const accountScores = model.accounts
    ? scoreAccountsFromColumns(model, columns, bulk, accountProps)
    : undefined
  const out = new Map<string, ScoreRecord>()
  data.contacts.forEach((c, i) => {
    const r = evaluateContact(
      model,
      { id: c.id, properties: contactProps[i]!, account: accounts[i] },
      perContact[i]!,
      AS_OF,
    )
    const row: Record<string, unknown> = {
      contact_id: c.id,
      fit: r.fit,
      engagement: r.engagement,
      total: r.total,
      grade: r.grade,
      level: r.level,
      label: r.label,
      band: r.band,
      stage: r.stage,
      journey: r.journey,
      segments: r.segments.join('|'),
    }
    if (accountScores) {
      const id = contactProps[i]!.account_id
      const a = id === undefined ? undefined : accountScores.get(String(id))
      row.account_id = a?.accountId ?? null
      row.account_engagement = a?.engagement ?? null
      row.account_total = a?.total ?? null
      row.account_band = a?.band ?? null
    }
    out.set(c.id, row)
  })
  return out
}

/** Differences between the engine's rows and the SQL rows, as readable lines (empty when equal). */
export function differences(engine: Map<string, ScoreRecord>, sql: readonly ScoreRecord[]): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const row of sql) {
    const id = String(row.contact_id)
    seen.add(id)
    const want = engine.get(id)
    if (!want) {
      problems.push(`${id}: only in the SQL result`)
      continue
    }
    for (const [key, expected] of Object.entries(want)) {
      const got = row[key]
      if (typeof expected === 'number') {
        if (!(typeof got === 'number' && Math.abs(got - expected) <= 1e-6))
          problems.push(`${id}.${key}: engine ${expected}, SQL ${String(got)}`)
      } else if ((expected ?? null) !== ((got === '' && key !== 'segments' ? null : got) ?? null)) {
        problems.push(`${id}.${key}: engine ${JSON.stringify(expected)}, SQL ${JSON.stringify(got)}`)
      }
    }
  }
  for (const id of engine.keys()) if (!seen.has(id)) problems.push(`${id}: missing from the SQL result`)
  return problems
}

/** Statements that (re)create the tables `contacts`, `events`, `accounts` of `data` in `prefix`. */
export function tableStatements(dialect: DialectName, data: Dataset, prefix = ''): string[] {
  const ch = dialect === 'clickhouse'
  const ident = ch ? backquoted : doubleQuoted
  const str = ch ? clickhouseString : singleQuoted
  const text = ch ? 'Nullable(String)' : 'TEXT'
  const value = (v: string | undefined) => (v === undefined ? 'NULL' : str(v))
  const table = (
    name: string,
    columns: readonly string[],
    rows: readonly (readonly (string | undefined)[])[],
  ) => {
    const full = `${prefix}${name}`
    const create = `CREATE TABLE ${full} (${columns.map((c) => `${ident(c)} ${c === 'ord' ? (ch ? 'Int32' : 'INTEGER') : text}`).join(', ')})${ch ? ' ENGINE = Memory' : ''}`
    const statements = [`DROP TABLE IF EXISTS ${full}`, create]
    if (rows.length > 0) {
      statements.push(
        `INSERT INTO ${full} (${columns.map(ident).join(', ')}) VALUES ${rows
          .map((r) => `(${r.map((v, i) => (columns[i] === 'ord' ? String(v) : value(v))).join(', ')})`)
          .join(', ')}`,
      )
    }
    return statements
  }
  return [
    ...table(
      'contacts',
      ['contact_id', 'ord', ...CONTACT_COLUMNS],
      data.contacts.map((c, i) => [c.id, String(i), ...CONTACT_COLUMNS.map((k) => c.props[k])]),
    ),
    ...table(
      'events',
      ['event_id', 'contact_id', 'event', 'timestamp', ...EVENT_COLUMNS],
      data.events.map((e) => [e.id, e.contactId, e.name, e.time, ...EVENT_COLUMNS.map((k) => e.props[k])]),
    ),
    ...table(
      'accounts',
      ['account_id', ...ACCOUNT_COLUMNS],
      data.accounts.map((a) => [a.id, ...ACCOUNT_COLUMNS.map((k) => a.props[k])]),
    ),
  ]
}
