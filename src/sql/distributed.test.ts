/**
 * ClickHouse with two servers (LEADSCORE_TEST_CLICKHOUSE_URL and _URL_2, cluster
 * `leadscore` of .ci/clickhouse.sh): contacts and events sharded by contact id behind
 * `Distributed` tables give the results of one server holding everything, and the engine's.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idHash } from '../core/id-hash.js'
import type { ModelDocument } from '../core/model/types.js'
import { exampleModel } from '../core/test-support/example-model.js'
import { compileToSql } from './compile.js'
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
const URLS = [process.env.LEADSCORE_TEST_CLICKHOUSE_URL, process.env.LEADSCORE_TEST_CLICKHOUSE_URL_2]
const available = URLS.every((u) => u !== undefined)
const database = `leadscore_dist_${process.pid}`

if (!available && !CI) {
  console.warn(
    'ClickHouse distributed test skipped: run `eval "$(bash .ci/clickhouse.sh)"` to start two local servers',
  )
}

async function rows(url: string, sql: string): Promise<ScoreRecord[]> {
  const text = await clickhouseQuery(url, `${sql.trimEnd()} FORMAT JSONEachRow`)
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => normalizeRow(JSON.parse(l)))
}

/** Loads `data`: everything into `whole_*` on server 1; each contact's rows into `*_local` of its shard. */
async function load(data: Dataset): Promise<void> {
  const [first, second] = URLS as [string, string]
  const shardOf = (contactId: string) => idHash(contactId) % 2
  const part = (shard: number): Dataset => ({
    contacts: data.contacts.filter((c) => shardOf(c.id) === shard),
    events: data.events.filter((e) => shardOf(e.contactId) === shard),
    accounts: data.accounts, // small: every server holds them all
  })
  for (const s of tableStatements('clickhouse', data, `${database}.whole_`)) await clickhouseQuery(first, s)
  for (const [shard, url] of [first, second].entries()) {
    for (const s of tableStatements('clickhouse', part(shard), `${database}.`)) await clickhouseQuery(url, s)
  }
  for (const table of ['contacts', 'events']) {
    await clickhouseQuery(first, `DROP TABLE IF EXISTS ${database}.${table}_dist`)
    await clickhouseQuery(
      first,
      `CREATE TABLE ${database}.${table}_dist AS ${database}.${table} ENGINE = Distributed(leadscore, ${database}, ${table}, cityHash64(ifNull(contact_id, '')))`,
    )
  }
}

const sqlFor = (doc: ModelDocument, contacts: string, events: string, accounts: string) =>
  compileToSql(doc, {
    dialect: 'clickhouse',
    tables: {
      contacts: `${database}.${contacts}`,
      events: `${database}.${events}`,
      accounts: `${database}.${accounts}`,
    },
    schema: SCHEMA,
    asOf: AS_OF,
  }).sql

async function check(doc: ModelDocument, data: Dataset): Promise<void> {
  const [first] = URLS as [string, string]
  await load(data)
  const sort = (list: ScoreRecord[]) =>
    [...list].sort((a, b) => (String(a.contact_id) < String(b.contact_id) ? -1 : 1))
  const one = sort(await rows(first, sqlFor(doc, 'whole_contacts', 'whole_events', 'whole_accounts')))
  const distributed = sort(await rows(first, sqlFor(doc, 'contacts_dist', 'events_dist', 'accounts')))
  expect(distributed).toEqual(one)
  const problems = differences(engineScores(doc, data), distributed)
  if (problems.length > 0)
    throw new Error(`distributed differs from the engine:\n${problems.slice(0, 10).join('\n')}`)
}

describe.skipIf(!available && !CI)(
  'ClickHouse, two servers, Distributed tables sharded by contact id',
  () => {
    beforeAll(async () => {
      if (!available) {
        throw new Error(
          'CI=true needs LEADSCORE_TEST_CLICKHOUSE_URL and _URL_2 (bash .ci/clickhouse.sh starts them)',
        )
      }
      for (const url of URLS as string[])
        await clickhouseQuery(url, `CREATE DATABASE IF NOT EXISTS ${database}`)
    })
    afterAll(async () => {
      if (available)
        for (const url of URLS as string[]) await clickhouseQuery(url, `DROP DATABASE IF EXISTS ${database}`)
    })

    it('spreads the contacts over both servers and gives the result of one server (example model)', async () => {
      const data = fc.sample(datasetArb, { numRuns: 1, seed: 7 })[0]!
      const many: Dataset = {
        ...data,
        contacts: Array.from({ length: 40 }, (_, i) => ({
          id: `c${i}`,
          props: data.contacts[i % data.contacts.length]!.props,
        })),
        events: Array.from({ length: 6 }, (_, k) =>
          data.events.map((e) => ({
            ...e,
            id: `${e.id}-${k}`,
            contactId: `c${(Number(e.contactId.slice(1)) * 7 + k) % 40}`,
          })),
        ).flat(),
      }
      const [first, second] = URLS as [string, string]
      await check(exampleModel, many)
      const count = async (url: string) =>
        Number((await clickhouseQuery(url, `SELECT count() FROM ${database}.contacts`)).trim())
      const counts = [await count(first), await count(second)]
      expect(counts[0]! + counts[1]!).toBe(40)
      expect(Math.min(...counts)).toBeGreaterThan(0)
    }, 120_000)

    it('on random models and data', async () => {
      await fc.assert(
        fc.asyncProperty(sqlModelArb, datasetArb, (doc, data) => check(doc, data)),
        { numRuns: 4, endOnFailure: true },
      )
    }, 300_000)
  },
)
