/**
 * Examples per construct, run on DuckDB (embedded), with the numbers written out; the
 * equality property test (equality.test.ts) covers the rest against the engine.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileModel } from '../core/compile.js'
import { evaluateContact } from '../core/evaluate.js'
import { DAY_MS } from '../core/input.js'
import type { Condition, EngagementRule, ModelDocument } from '../core/model/types.js'
import { compileToSql, unsupportedConstructs } from './compile.js'
import { normalizeRow } from './engines/run.js'
import { AS_OF, type Dataset } from './test-support/arbitraries.js'
import { SCHEMA, type ScoreRecord, tableStatements } from './test-support/equality.js'
import { SqlUnsupportedError } from './unsupported-error.js'

let instance: DuckDBInstance
let connection: DuckDBConnection
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' })
  connection = await instance.connect()
  await connection.run("SET TimeZone = 'UTC'")
})
afterAll(() => instance?.closeSync())

const day = (n: number) => String(AS_OF - n * DAY_MS)

/** Scores `data` with `doc` on DuckDB; rows by contact id. */
async function score(doc: ModelDocument, data: Dataset): Promise<Map<string, ScoreRecord>> {
  for (const s of tableStatements('duckdb', data)) await connection.run(s)
  const { sql } = compileToSql(doc, {
    dialect: 'duckdb',
    tables: { contacts: 'contacts', events: 'events', accounts: 'accounts' },
    schema: SCHEMA,
    asOf: AS_OF,
  })
  const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS().map(normalizeRow)
  return new Map(rows.map((r) => [String(r.contact_id), r]))
}

/** A model with one engagement rule (max 100, no decay unless the rule says). */
const oneRule = (rule: Partial<EngagementRule> & { when: Condition }): ModelDocument => ({
  format: 'leadscore/v1',
  id: 'one',
  engagement: { max: 100, groups: [{ id: 'g', rules: [{ id: 'r', points: 10, decay: 'none', ...rule }] }] },
})

const contact = (id: string, props: Record<string, string | undefined> = {}) => ({ id, props })
const event = (
  contactId: string,
  name: string,
  daysAgo: number,
  props: Record<string, string | undefined> = {},
) => ({
  id: `${contactId}-${name}-${daysAgo}-${JSON.stringify(props)}`,
  contactId,
  name,
  ts: Number(day(daysAgo)),
  time: day(daysAgo),
  props,
})

describe('compiled SQL on DuckDB, construct by construct', () => {
  it('occurrences: first comes before the window: a first event too old gives nothing', async () => {
    const doc = oneRule({ when: { event: 'page' }, occurrences: 'first', window: { days: 90 } })
    const rows = await score(doc, {
      contacts: [contact('old'), contact('new')],
      accounts: [],
      events: [
        event('old', 'page', 100),
        event('old', 'page', 1),
        event('new', 'page', 30),
        event('new', 'page', 1),
      ],
    })
    expect(rows.get('old')!.engagement).toBe(0)
    expect(rows.get('new')!.engagement).toBe(10)
  })

  it('distinct keeps the earliest event per trimmed, case-insensitive value; a missing value counts once', async () => {
    const doc = oneRule({ when: { event: 'Email Opened' }, distinct: 'email_id' })
    const rows = await score(doc, {
      contacts: [contact('c')],
      accounts: [],
      events: [
        event('c', 'Email Opened', 3, { email_id: 'm1' }),
        event('c', 'email opened', 2, { email_id: ' M1 ' }),
        event('c', 'Email Opened', 2, { email_id: 'm2' }),
        event('c', 'Email Opened', 1),
        event('c', 'Email Opened', 0),
      ],
    })
    expect(rows.get('c')!.engagement).toBe(30)
  })

  it('perDays counts one event per bucket; count gives the points once, decayed by the newest counted', async () => {
    const perDays = oneRule({ when: { event: 'page' }, occurrences: { perDays: 7 } })
    const days = [0.1, 0.2, 0.3, 20, 20.1, 40]
    const data = { contacts: [contact('c')], accounts: [], events: days.map((d) => event('c', 'page', d)) }
    const buckets = new Set(days.map((d) => Math.floor((AS_OF - d * DAY_MS) / (7 * DAY_MS)))).size
    expect((await score(perDays, data)).get('c')!.engagement).toBe(10 * buckets)
    const count = oneRule({
      when: { event: 'page' },
      count: { gte: 3, withinDays: 10 },
      decay: { halfLifeDays: 1 },
    })
    expect((await score(count, data)).get('c')!.engagement).toBeCloseTo(10 * 0.5 ** 0.1, 9)
  })

  it('distinct and perDays rules on different events share one pass and keep their own values', async () => {
    const doc: ModelDocument = {
      format: 'leadscore/v1',
      id: 'shared',
      engagement: {
        max: 100,
        groups: [
          {
            id: 'g',
            rules: [
              { id: 'open', when: { event: 'Email Opened' }, points: 1, decay: 'none', distinct: 'email_id' },
              { id: 'read', when: { event: 'page' }, points: 2, decay: 'none', distinct: 'path' },
              { id: 'week', when: { event: 'Demo' }, points: 5, decay: 'none', occurrences: { perDays: 7 } },
              { id: 'again', when: { event: 'page' }, points: 3, decay: 'none', distinct: 'email_id' },
            ],
          },
        ],
      },
    }
    const events = [
      event('c', 'Email Opened', 3, { email_id: 'm1', path: '/a' }),
      event('c', 'Email Opened', 2, { email_id: 'M1 ', path: '/b' }),
      event('c', 'Email Opened', 1, { email_id: 'm2' }),
      event('c', 'page', 3, { path: '/a', email_id: 'm1' }),
      event('c', 'page', 2, { path: '/a' }),
      event('c', 'page', 1, { path: '/b' }),
      event('c', 'Demo', 0.1),
      event('c', 'Demo', 0.2),
      event('c', 'Demo', 30),
    ]
    const rows = await score(doc, { contacts: [contact('c'), contact('none')], accounts: [], events })
    const buckets = new Set([0.1, 0.2, 30].map((d) => Math.floor((AS_OF - d * DAY_MS) / (7 * DAY_MS)))).size
    // opens: m1, m2 (1 each); pages: /a, /b (2 each); demo: one per week; `again` reads pages
    // by email_id: m1 and the missing value (3 each)
    expect(rows.get('c')!.engagement).toBe(2 * 1 + 2 * 2 + 5 * buckets + 2 * 3)
    expect(rows.get('none')!.engagement).toBe(0)
    const engine = evaluateContact(
      compileModel(doc),
      { id: 'c', properties: {} },
      events.map((e) => ({ id: e.id, name: e.name, ts: e.ts, properties: e.props })),
      AS_OF,
    )
    expect(rows.get('c')!.engagement).toBeCloseTo(engine.engagement, 9)
  })

  it('stages without conditions: every contact is in the first stage', async () => {
    const doc: ModelDocument = {
      ...oneRule({ when: { event: 'page' } }),
      stages: [{ id: 'lead' }, { id: 'customer' }],
    }
    const rows = await score(doc, { contacts: [contact('c')], accounts: [], events: [event('c', 'page', 1)] })
    expect(rows.get('c')).toMatchObject({ engagement: 10, stage: 'lead' })
  })

  it('a count that holds with no event gives nothing, as evaluateContact says', async () => {
    const doc = oneRule({ when: { event: 'page' }, count: { lt: 3 } })
    const rows = await score(doc, { contacts: [contact('quiet')], accounts: [], events: [] })
    const engine = evaluateContact(compileModel(doc), { id: 'quiet', properties: {} }, [], AS_OF)
    expect(engine.engagement).toBe(0)
    expect(rows.get('quiet')!.engagement).toBe(0)
  })

  it('a first group gives each event to its first matching rule; inactivity applies without activity', async () => {
    const doc: ModelDocument = {
      format: 'leadscore/v1',
      id: 'first',
      engagement: {
        max: 100,
        min: -50,
        decay: 'none',
        inactivity: { afterDays: 30, points: -5 },
        groups: [
          {
            id: 'web',
            mode: 'first',
            rules: [
              { id: 'pricing', when: { event: 'page', path: { startsWith: '/pricing' } }, points: 8 },
              { id: 'any-page', when: { event: 'page' }, points: 1 },
            ],
          },
        ],
      },
    }
    const rows = await score(doc, {
      contacts: [contact('active'), contact('gone')],
      accounts: [],
      events: [
        event('active', 'page', 1, { path: ' /Pricing/team' }),
        event('active', 'page', 2, { path: '/blog' }),
        event('gone', 'page', 45, { path: '/blog' }),
      ],
    })
    expect(rows.get('active')!.engagement).toBe(9)
    expect(rows.get('gone')!.engagement).toBe(-4)
  })

  it('numbers parse from text as the engine parses them; strings trim and ignore case', async () => {
    const doc: ModelDocument = {
      format: 'leadscore/v1',
      id: 'fit',
      fit: {
        max: 100,
        groups: [
          {
            id: 'g',
            rules: [
              { id: 'size', when: { employees: { gte: 200 } }, points: 10 },
              { id: 'us', when: { country: 'us' }, points: 1 },
              { id: 'vp', when: { title: { matches: '^vp\\b' } }, points: 100 },
            ],
          },
        ],
        grades: { A: 50, B: 10 },
      },
    }
    const rows = await score(doc, {
      contacts: [
        contact('a', { employees: '1e3', country: ' US ', title: '  VP Sales' }),
        contact('b', { employees: '0200', country: 'usa' }),
        contact('c', { employees: 'many' }),
      ],
      accounts: [],
      events: [],
    })
    expect([rows.get('a')!.fit, rows.get('a')!.grade]).toEqual([100, 'A'])
    expect([rows.get('b')!.fit, rows.get('b')!.grade]).toEqual([10, 'B'])
    expect([rows.get('c')!.fit, rows.get('c')!.grade]).toEqual([0, 'F'])
  })

  it('accounts: rollup of the members, committee coverage, account fit and band', async () => {
    const doc: ModelDocument = {
      format: 'leadscore/v1',
      id: 'acc',
      engagement: {
        max: 100,
        groups: [{ id: 'g', rules: [{ id: 'r', when: { event: 'page' }, points: 10, decay: 'none' }] }],
      },
      accounts: {
        engagement: { rollup: 'top3', perContactMax: 15 },
        committee: { roles: [{ id: 'vp', when: { title: { contains: 'vp' } }, points: 7 }] },
        fit: { groups: [{ id: 'f', rules: [{ id: 'soft', when: { industry: 'software' }, points: 20 }] }] },
        bands: [{ id: 'target', when: { 'score.total': { gte: 50 } } }, { id: 'other' }],
      },
    }
    const members = ['m1', 'm2', 'm3', 'm4'].map((id, i) =>
      contact(id, { account_id: 'a1', title: i === 0 ? 'VP Sales' : 'engineer' }),
    )
    const events = members.flatMap((m, i) => Array.from({ length: i + 1 }, (_, k) => event(m.id, 'page', k)))
    const rows = await score(doc, {
      contacts: [...members, contact('solo')],
      accounts: [{ id: 'a1', props: { industry: ' Software' } }],
      events,
    })
    // engagement 10, 20, 30, 40 capped at 15 each: top 3 = 45; the VP is engaged: +7; fit 20
    expect(rows.get('m1')).toMatchObject({
      account_id: 'a1',
      account_engagement: 52,
      account_total: 72,
      account_band: 'target',
    })
    expect(rows.get('solo')).toMatchObject({ account_id: null, account_engagement: null })
  })

  it('committee roles read a member’s numbers, not its classes or history, as the engine does', async () => {
    const doc: ModelDocument = {
      format: 'leadscore/v1',
      id: 'roles',
      engagement: {
        max: 100,
        groups: [{ id: 'g', rules: [{ id: 'r', when: { event: 'page' }, points: 10, decay: 'none' }] }],
        levels: { 1: 5 },
      },
      accounts: {
        engagement: { rollup: 'sum' },
        committee: {
          roles: [
            { id: 'by-number', when: { 'score.engagement': { gte: 10 } }, points: 3 },
            { id: 'by-level', when: { 'score.level': '1' }, points: 4 },
            { id: 'by-history', when: { did: { event: 'page' } }, points: 5 },
          ],
        },
      },
    }
    const rows = await score(doc, {
      contacts: [contact('m', { account_id: 'a1' })],
      accounts: [{ id: 'a1', props: {} }],
      events: [event('m', 'page', 1)],
    })
    expect(rows.get('m')).toMatchObject({ level: '1', account_engagement: 13 })
  })
})

describe('what a dialect cannot express', () => {
  // `[\S]`: JavaScript's non-space class inside a class: neither RE2 nor PostgreSQL spell it the same
  const model: ModelDocument = {
    format: 'leadscore/v1',
    id: 'x',
    fit: {
      max: 10,
      groups: [{ id: 'g', rules: [{ id: 'r', when: { title: { matches: '[\\S]+ manager' } }, points: 10 }] }],
    },
    stages: [{ id: 'lead' }, { id: 'fresh', when: { created_at: { startsWith: '2026' } } }],
  }
  const options = (dialect: 'duckdb' | 'postgres' | 'clickhouse') => ({
    dialect,
    tables: { contacts: 'contacts' },
    schema: { contacts: { title: 'text' as const, created_at: 'timestamp' as const } },
    asOf: AS_OF,
  })

  it('is listed with each construct’s path, and no SQL is written', () => {
    expect(() => compileToSql(model, options('duckdb'))).toThrow(SqlUnsupportedError)
    expect(unsupportedConstructs(model, options('clickhouse')).map((c) => c.path)).toEqual([
      'fit.groups[0].rules[0].when.title.matches',
      'stages[1].when.created_at.startsWith',
    ])
    expect(unsupportedConstructs(model, options('postgres')).map((c) => c.path)).toEqual([
      'fit.groups[0].rules[0].when.title.matches',
      'stages[1].when.created_at.startsWith',
    ])
  })
})
