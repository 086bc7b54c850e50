import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { scoreAccountsFromColumns, scoreColumns } from '../../core/columnar/index.js'
import { compileModel } from '../../core/compile.js'
import { idHash } from '../../core/id-hash.js'
import { loadModel } from '../../core/model/index.js'
import { openParquetInputs } from '../../io/parquet-partitions.js'
import { runCli } from '../test-support/run-cli.js'

const DATA = fileURLToPath(new URL('../../../examples/data/', import.meta.url))
const MODEL = fileURLToPath(new URL('../../../examples/b2b-saas.yaml', import.meta.url))
const AS_OF = '2026-11-01T00:00:00Z'
let dir = ''

/** Runs SQL statements in a fresh in-memory DuckDB. */
async function duck(...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  for (const sql of statements) await connection.run(sql)
  connection.closeSync()
  instance.closeSync()
}

/** The example files as Parquet: `text` every column as text, `typed` with DuckDB's guessed types. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadscore-parquet-'))
  const copies: string[] = []
  for (const file of ['contacts', 'events', 'accounts']) {
    const csv = `read_csv('${join(DATA, `${file}.csv`)}', header = true`
    copies.push(
      `COPY (FROM ${csv}, all_varchar = true)) TO '${join(dir, `${file}-text.parquet`)}' (FORMAT parquet)`,
    )
    copies.push(`COPY (FROM ${csv})) TO '${join(dir, `${file}-typed.parquet`)}' (FORMAT parquet)`)
  }
  await duck(...copies)
})

const scoreFiles = (contacts: string, events: string, accounts: string, out: string) =>
  runCli(
    dir,
    'score',
    '--model',
    MODEL,
    '--contacts',
    contacts,
    '--events',
    events,
    '--accounts',
    accounts,
    '--as-of',
    AS_OF,
    '--out',
    out,
  )

describe('leadscore score over Parquet', () => {
  it('writes the very bytes of the CSV files, from text and from typed columns', async () => {
    const csv = await scoreFiles(
      join(DATA, 'contacts.csv'),
      join(DATA, 'events.csv'),
      join(DATA, 'accounts.csv'),
      'from-csv.csv',
    )
    expect(csv.code).toBe(0)
    const expected = readFileSync(join(dir, 'from-csv.csv'), 'utf8')
    expect(expected.split('\n').length).toBe(202)
    for (const kind of ['text', 'typed']) {
      const run = await scoreFiles(
        `contacts-${kind}.parquet`,
        `events-${kind}.parquet`,
        `accounts-${kind}.parquet`,
        `from-${kind}.csv`,
      )
      expect(run.code, run.stderr).toBe(0)
      expect(run.stderr).toMatch(/scored 200 contacts from 4,119 events/)
      expect(readFileSync(join(dir, `from-${kind}.csv`), 'utf8')).toBe(expected)
    }
  })

  it('takes CSV contacts and accounts beside Parquet events', async () => {
    const run = await scoreFiles(
      join(DATA, 'contacts.csv'),
      'events-typed.parquet',
      join(DATA, 'accounts.csv'),
      'mixed.csv',
    )
    expect(run.code, run.stderr).toBe(0)
    expect(readFileSync(join(dir, 'mixed.csv'), 'utf8')).toBe(readFileSync(join(dir, 'from-csv.csv'), 'utf8'))
  })

  it('says which file lacks the contact id column', async () => {
    await duck(
      `COPY (SELECT * EXCLUDE (contact_id) FROM read_csv('${join(DATA, 'events.csv')}', header = true)) TO '${join(dir, 'no-contact.parquet')}' (FORMAT parquet)`,
    )
    const run = await runCli(
      dir,
      'score',
      '--model',
      MODEL,
      '--contacts',
      join(DATA, 'contacts.csv'),
      '--events',
      'no-contact.parquet',
    )
    expect(run.code).not.toBe(0)
    expect(run.stderr).toMatch(/no-contact\.parquet: no contact id column/)
    expect(run.stderr).toMatch(/"contact_id"/)
  })
})

describe('openParquetInputs', () => {
  const loaded = loadModel(readFileSync(MODEL, 'utf8'))
  if (!loaded.ok) throw new Error('examples/b2b-saas.yaml does not load')
  const model = compileModel(loaded.model)
  const asOf = Date.parse(AS_OF)

  /** Every contact's scores by id, and the part of each contact, scored part by part. */
  async function scoreInParts(partitions: number) {
    const inputs = await openParquetInputs(
      model,
      {
        contacts: join(dir, 'contacts-typed.parquet'),
        events: join(dir, 'events-typed.parquet'),
        accounts: join(dir, 'accounts-typed.parquet'),
      },
      { partitions },
    )
    const byId = new Map<string, string>()
    const partOf = new Map<string, number>()
    let events = 0
    try {
      expect(inputs.partitions).toBe(partitions)
      for (let p = 0; p < partitions; p++) {
        const part = await inputs.read(p)
        events += part.events.length
        const scores = scoreColumns(model, part.contacts, part.events, asOf)
        const accounts = scoreAccountsFromColumns(model, part.contacts, scores, part.accounts)
        for (let c = 0; c < part.contacts.length; c++) {
          const id = part.contacts.ids[c]!
          expect(byId.has(id)).toBe(false)
          partOf.set(id, p)
          const account = part.contacts.columns?.contact.get('account_id')
          const key = account && account.codes[c]! >= 0 ? String(account.values[account.codes[c]!]) : ''
          const rollup = accounts.get(key)
          byId.set(
            id,
            JSON.stringify([
              scores.fit[c],
              scores.engagement[c],
              scores.band[c],
              scores.stage[c],
              key,
              rollup?.total,
            ]),
          )
        }
      }
    } finally {
      inputs.close()
    }
    return { byId, partOf, events }
  }

  it('gives each contact to one part, the contacts of an account to the same part, and the same scores', async () => {
    const whole = await scoreInParts(1)
    expect(whole.byId.size).toBe(200)
    for (const partitions of [2, 3, 7]) {
      const parts = await scoreInParts(partitions)
      expect(parts.events).toBe(whole.events)
      expect(new Set(parts.partOf.values()).size).toBeGreaterThan(1)
      const partOfAccount = new Map<string, number>()
      for (const [id, scores] of parts.byId) {
        expect(scores).toBe(whole.byId.get(id))
        const account = JSON.parse(scores)[4] as string
        if (account === '') continue
        const p = parts.partOf.get(id)!
        expect(partOfAccount.get(account) ?? p).toBe(p)
        partOfAccount.set(account, p)
      }
    }
  })

  it('hashes event ids as the CSV reader does, whatever their length and characters', async () => {
    const ids = fc.sample(
      fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 })),
      300,
    )
    const unique = [...new Set(ids.map((id) => `x${id.replaceAll('\u0000', '')}`))]
    const rows = unique.map(
      (id, i) => `('${id.replaceAll("'", "''")}', 'c-000001', 'page', ${1_700_000_000_000 + i})`,
    )
    await duck(
      `COPY (FROM (VALUES ${rows.join(', ')}) t(event_id, contact_id, event, timestamp)) TO '${join(dir, 'ids.parquet')}' (FORMAT parquet)`,
    )
    const inputs = await openParquetInputs(model, {
      contacts: join(dir, 'contacts-typed.parquet'),
      events: join(dir, 'ids.parquet'),
    })
    try {
      const part = await inputs.read(0)
      expect(part.events.length).toBe(unique.length)
      expect([...part.events.idHash].sort()).toEqual(unique.map(idHash).sort())
    } finally {
      inputs.close()
    }
  })
})
