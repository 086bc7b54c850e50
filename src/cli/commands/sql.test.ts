import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import { clickhouseQuery } from '../../sql/engines/clickhouse.js'
import { backquoted, clickhouseString, doubleQuoted, singleQuoted } from '../../sql/quote.js'
import { runCli } from '../test-support/run-cli.js'

const CI = process.env.CI === 'true'
const PG_URL = process.env.LEADSCORE_TEST_DATABASE_URL
const CH_URL = process.env.LEADSCORE_TEST_CLICKHOUSE_URL
const ROOT = new URL('../../../', import.meta.url).pathname
const DATA = join(ROOT, 'examples', 'data')
const MODEL = join(ROOT, 'examples', 'b2b-saas.yaml')
const AS_OF = '2026-11-01T00:00:00Z'
let cwd = ''
let engineCsv = ''

const csvRows = (text: string) => parse(text, { columns: true }) as Record<string, string>[]
const byId = (rows: Record<string, string>[]) =>
  [...rows].sort((a, b) => (a.contact_id! < b.contact_id! ? -1 : 1))
const files = ['--contacts', join(DATA, 'contacts.csv'), '--events', join(DATA, 'events.csv')]
const accounts = ['--accounts', join(DATA, 'accounts.csv')]

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-sql-'))
  const run = await runCli(
    cwd,
    'score',
    '--model',
    MODEL,
    ...files,
    ...accounts,
    '--as-of',
    AS_OF,
    '--out',
    'engine.csv',
  )
  expect(run.code).toBe(0)
  engineCsv = readFileSync(join(cwd, 'engine.csv'), 'utf8')
})

describe('leadscore sql', () => {
  it('prints one query per dialect, with the as-of time and the tables given', async () => {
    for (const dialect of ['duckdb', 'postgres', 'clickhouse']) {
      const run = await runCli(
        cwd,
        'sql',
        '--model',
        MODEL,
        '--dialect',
        dialect,
        '--as-of',
        AS_OF,
        '--events-table',
        'analytics.track',
      )
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`as of 2026-11-01T00:00:00.000Z (${dialect})`)
      expect(run.stdout).toContain(dialect === 'clickhouse' ? '`analytics`.`track`' : '"analytics"."track"')
      expect(run.stdout).toContain(dialect === 'clickhouse' ? 'countIf(' : 'FILTER (WHERE')
    }
  })

  it('lists what a dialect cannot express, with the path of each construct', async () => {
    writeFileSync(
      join(cwd, 'unsupported.yaml'),
      `format: leadscore/v1
id: lookahead
fit:
  max: 10
  groups:
    - id: title
      rules:
        - { id: buyer, when: { job_title: { matches: '[\\S]+ manager' } }, points: 10 }
`,
    )
    const duck = await runCli(cwd, 'sql', '--model', 'unsupported.yaml', '--dialect', 'duckdb')
    expect(duck.code).toBe(1)
    expect(duck.stderr).toContain('fit.groups[0].rules[0].when.job_title.matches')
    expect(duck.stderr).toContain('\\S inside a character class')
    expect(duck.stdout).toBe('')
  })
})

describe('leadscore score --engine', () => {
  it('duckdb over the CSV files writes the very bytes of leadscore score', async () => {
    const run = await runCli(
      cwd,
      'score',
      '--engine',
      'duckdb',
      '--model',
      MODEL,
      ...files,
      ...accounts,
      '--as-of',
      AS_OF,
      '--out',
      'duckdb.csv',
    )
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('scored 200 contacts on duckdb')
    expect(readFileSync(join(cwd, 'duckdb.csv'), 'utf8')).toBe(engineCsv)
  })

  it('says what is missing: the source of a database engine', async () => {
    const run = await runCli(cwd, 'score', '--engine', 'postgres', '--model', MODEL)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('--engine postgres needs --source')
  })

  /** The example files as text tables: `create` and `insert` statements for a dialect. */
  const exampleTables = (clickhouse: boolean, prefix: string): string[] => {
    const ident = clickhouse ? backquoted : doubleQuoted
    const str = clickhouse ? clickhouseString : singleQuoted
    return ['contacts', 'events', 'accounts'].flatMap((name) => {
      const text = readFileSync(join(DATA, `${name}.csv`), 'utf8')
      const header = text.slice(0, text.indexOf('\n')).split(',')
      const rows = parse(text, { from_line: 2 }) as string[][]
      const type = clickhouse ? 'Nullable(String)' : 'TEXT'
      return [
        `DROP TABLE IF EXISTS ${prefix}${name}`,
        `CREATE TABLE ${prefix}${name} (${header.map((h) => `${ident(h)} ${type}`).join(', ')})${clickhouse ? ' ENGINE = Memory' : ''}`,
        `INSERT INTO ${prefix}${name} VALUES ${rows.map((r) => `(${r.map((v) => (v === '' ? 'NULL' : str(v))).join(', ')})`).join(', ')}`,
      ]
    })
  }

  it.skipIf(!PG_URL && !CI)('postgres over tables gives the rows of leadscore score', async () => {
    if (!PG_URL) throw new Error('CI=true needs LEADSCORE_TEST_DATABASE_URL')
    const schema = `leadscore_cli_${process.pid}`
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      for (const s of exampleTables(false, `${schema}.`)) await client.query(s)
      const run = await runCli(
        cwd,
        ...['score', '--engine', 'postgres', '--source', PG_URL, '--model', MODEL, '--as-of', AS_OF],
        ...['--contacts-table', `${schema}.contacts`, '--events-table', `${schema}.events`],
        ...['--accounts-table', `${schema}.accounts`, '--out', 'postgres.csv'],
      )
      expect(run.stderr).toContain('scored 200 contacts on postgres')
      expect(byId(csvRows(readFileSync(join(cwd, 'postgres.csv'), 'utf8')))).toEqual(byId(csvRows(engineCsv)))
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
    }
  })

  it.skipIf(!CH_URL && !CI)(
    'clickhouse over tables gives the rows of leadscore score',
    async () => {
      if (!CH_URL) throw new Error('CI=true needs LEADSCORE_TEST_CLICKHOUSE_URL (bash .ci/clickhouse.sh)')
      const database = `leadscore_cli_${process.pid}`
      await clickhouseQuery(CH_URL, `CREATE DATABASE IF NOT EXISTS ${database}`)
      try {
        for (const s of exampleTables(true, `${database}.`)) await clickhouseQuery(CH_URL, s)
        const run = await runCli(
          cwd,
          ...['score', '--engine', 'clickhouse', '--source', CH_URL, '--model', MODEL, '--as-of', AS_OF],
          ...['--contacts-table', `${database}.contacts`, '--events-table', `${database}.events`],
          ...['--accounts-table', `${database}.accounts`, '--out', 'clickhouse.csv'],
        )
        expect(run.stderr).toContain('scored 200 contacts on clickhouse')
        expect(byId(csvRows(readFileSync(join(cwd, 'clickhouse.csv'), 'utf8')))).toEqual(
          byId(csvRows(engineCsv)),
        )
      } finally {
        await clickhouseQuery(CH_URL, `DROP DATABASE IF EXISTS ${database}`)
      }
    },
    120_000,
  )
})
