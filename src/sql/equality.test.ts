/**
 * The compiled SQL equals the engine: random models and data, run on DuckDB (embedded),
 * PostgreSQL (LEADSCORE_TEST_DATABASE_URL) and ClickHouse (LEADSCORE_TEST_CLICKHOUSE_URL),
 * every contact's parts, classes and account scores compared with the engine's.
 */
import { DuckDBInstance } from '@duckdb/node-api'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngagementRule, ModelDocument } from '../core/model/types.js'
import { compileToSql } from './compile.js'
import type { DialectName } from './dialect.js'
import { clickhouseQuery } from './engines/clickhouse.js'
import { normalizeRow } from './engines/run.js'
import { AS_OF, type Dataset, datasetArb, sqlModelArb } from './test-support/arbitraries.js'
import {
  differences,
  engineScores,
  SCHEMA,
  type ScoreRecord,
  tableStatements,
} from './test-support/equality.js'

const CI = process.env.CI === 'true'
const PG_URL = process.env.LEADSCORE_TEST_DATABASE_URL
const CH_URL = process.env.LEADSCORE_TEST_CLICKHOUSE_URL

type Runner = (statements: readonly string[], query: string) => Promise<ScoreRecord[]>

function compile(dialect: DialectName, doc: ModelDocument, prefix = ''): string {
  return compileToSql(doc, {
    dialect,
    tables: { contacts: `${prefix}contacts`, events: `${prefix}events`, accounts: `${prefix}accounts` },
    columns: { order: 'ord' },
    schema: SCHEMA,
    asOf: AS_OF,
  }).sql
}

async function check(
  dialect: DialectName,
  run: Runner,
  doc: ModelDocument,
  data: Dataset,
  prefix = '',
): Promise<void> {
  const rows = await run(tableStatements(dialect, data, prefix), compile(dialect, doc, prefix))
  const problems = differences(engineScores(doc, data), rows)
  if (problems.length > 0) {
    throw new Error(
      `${dialect} differs from the engine:\n${problems.slice(0, 12).join('\n')}\nmodel: ${JSON.stringify(doc)}`,
    )
  }
}

describe('compiled SQL equals the engine: DuckDB', () => {
  let instance: DuckDBInstance
  let run: Runner
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' })
    const connection = await instance.connect()
    await connection.run("SET TimeZone = 'UTC'")
    run = async (statements, query) => {
      for (const s of statements) await connection.run(s)
      const reader = await connection.runAndReadAll(query)
      return reader.getRowObjectsJS().map(normalizeRow)
    }
  })
  afterAll(() => instance?.closeSync())

  it('on random models and data', async () => {
    await fc.assert(
      fc.asyncProperty(sqlModelArb, datasetArb, (doc, data) => check('duckdb', run, doc, data)),
      { numRuns: 150 },
    )
  }, 120_000)

  // The main pass keeps every event as of T, numbered by name (0: a name no rule tests), when
  // every rule names its events and nothing tests trimmed names; otherwise it filters by name.
  // Both forms, on data with events of names the model never tests (' page', 'Unsubscribed').
  const unfiltered = /FROM "events"\n {2}WHERE [^\n]* <= CAST\('\d+' AS DOUBLE\)\) AS "e1"/
  it.each([
    ['every rule names its events: all events, numbered', NAMED_RULES, true],
    [
      'a rule for any event: filtered by name',
      withRule(NAMED_RULES, { id: 'any', when: { path: { startsWith: '/docs' } }, points: 2 }),
      false,
    ],
    [
      'activity by name (trimmed): filtered by name',
      withActivity(NAMED_RULES, ['page', 'Demo Requested']),
      false,
    ],
  ] as const)(
    '%s',
    async (_, doc, takesForm) => {
      const sql = compile('duckdb', doc)
      const main = sql.slice(sql.indexOf('"ev" AS ('), sql.indexOf('"em" AS ('))
      expect(unfiltered.test(main)).toBe(takesForm)
      await fc.assert(
        fc.asyncProperty(datasetArb, (data) => check('duckdb', run, doc, data)),
        { numRuns: 60 },
      )
    },
    60_000,
  )

  // `distinct` rules on different names share one pass; when all of them are `distinct` (no
  // `perDays`), DuckDB groups by one key (the rule's number and its value) instead of one each.
  it.each([
    [
      'distinct rules only: one key',
      withRule(NAMED_RULES, {
        id: 'paths',
        when: { event: ['page', 'Unsubscribed'] },
        points: 2,
        distinct: 'path',
        window: { days: 60 },
      }),
      true,
    ],
    [
      'a perDays rule in the pass: a key per rule',
      withRule(NAMED_RULES, {
        id: 'weekly',
        when: { event: 'page' },
        points: 2,
        occurrences: { perDays: 7 },
      }),
      false,
    ],
  ] as const)(
    '%s',
    async (_, doc, takesForm) => {
      const sql = compile('duckdb', doc)
      expect(sql).toContain('"sel_value" AS (')
      expect(sql.includes('GROUP BY "__cid", "__r", "__d"')).toBe(takesForm)
      await fc.assert(
        fc.asyncProperty(datasetArb, (data) => check('duckdb', run, doc, data)),
        { numRuns: 60 },
      )
    },
    60_000,
  )
})

const NAMED_RULES: ModelDocument = {
  format: 'leadscore/v1',
  id: 'named',
  engagement: {
    max: 100,
    decay: { halfLifeDays: 30 },
    groups: [
      {
        id: 'web',
        mode: 'first',
        rules: [
          { id: 'pricing', when: { event: 'page', path: { startsWith: '/pricing' } }, points: 8, max: 16 },
          { id: 'view', when: { event: 'page' }, points: 1, max: 10 },
        ],
      },
      {
        id: 'other',
        rules: [
          { id: 'open', when: { event: 'Email Opened' }, points: 1, distinct: 'email_id' },
          { id: 'demo', when: { event: 'Demo Requested' }, points: 30, occurrences: 'first' },
          { id: 'recent', when: { event: 'Webinar Attended' }, points: 5, window: { days: 30 } },
        ],
      },
    ],
    inactivity: { afterDays: 30, points: -5 },
  },
}

function withRule(doc: ModelDocument, rule: EngagementRule): ModelDocument {
  const engagement = doc.engagement!
  const [first, ...rest] = engagement.groups
  return {
    ...doc,
    engagement: {
      ...engagement,
      groups: [first!, ...rest.map((g) => ({ ...g, rules: [...g.rules, rule] }))],
    },
  }
}

function withActivity(doc: ModelDocument, activity: readonly string[]): ModelDocument {
  const engagement = doc.engagement!
  return { ...doc, engagement: { ...engagement, inactivity: { ...engagement.inactivity!, activity } } }
}

describe.skipIf(!PG_URL && !CI)('compiled SQL equals the engine: PostgreSQL', () => {
  let client: pg.Client
  let run: Runner
  const schema = `leadscore_sql_${process.pid}`
  beforeAll(async () => {
    if (!PG_URL) throw new Error('CI=true needs LEADSCORE_TEST_DATABASE_URL (see .ci/run)')
    client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    run = async (statements, query) => {
      for (const s of statements) await client.query(s)
      return (await client.query(query)).rows.map((r: Record<string, unknown>) => normalizeRow(r))
    }
  })
  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client?.end()
  })

  it('on random models and data', async () => {
    await fc.assert(
      fc.asyncProperty(sqlModelArb, datasetArb, (doc, data) =>
        check('postgres', run, doc, data, `${schema}.`),
      ),
      { numRuns: 60 },
    )
  }, 120_000)
})

describe.skipIf(!CH_URL && !CI)('compiled SQL equals the engine: ClickHouse', () => {
  const database = `leadscore_sql_${process.pid}`
  let run: Runner
  beforeAll(async () => {
    if (!CH_URL)
      throw new Error(
        'CI=true needs LEADSCORE_TEST_CLICKHOUSE_URL (bash .ci/clickhouse.sh starts the servers)',
      )
    await clickhouseQuery(CH_URL, `CREATE DATABASE IF NOT EXISTS ${database}`)
    run = async (statements, query) => {
      for (const s of statements) await clickhouseQuery(CH_URL, s)
      const text = await clickhouseQuery(CH_URL, `${query.trimEnd()} FORMAT JSONEachRow`)
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => normalizeRow(JSON.parse(l)))
    }
  })
  afterAll(async () => {
    if (CH_URL) await clickhouseQuery(CH_URL, `DROP DATABASE IF EXISTS ${database}`)
  })

  it('on random models and data', async () => {
    await fc.assert(
      fc.asyncProperty(sqlModelArb, datasetArb, (doc, data) =>
        check('clickhouse', run, doc, data, `${database}.`),
      ),
      { numRuns: 15 },
    )
  }, 300_000)
})

if (!PG_URL && !CI)
  console.warn('PostgreSQL SQL tests skipped: set LEADSCORE_TEST_DATABASE_URL (see .ci/run)')
if (!CH_URL && !CI) {
  console.warn(
    'ClickHouse SQL tests skipped: run `eval "$(bash .ci/clickhouse.sh)"` to start two local servers',
  )
}

it('the engine itself agrees on the generated data (a check of the test)', () => {
  fc.assert(
    fc.property(sqlModelArb, datasetArb, (doc, data) => {
      expect(engineScores(doc, data).size).toBe(data.contacts.length)
    }),
    { numRuns: 10 },
  )
})
