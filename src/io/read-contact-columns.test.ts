import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { IdIndex } from './id-index.js'
import { readContactColumns } from './read-contact-columns.js'
import { readContacts } from './read-contacts.js'
import { BadRowError, type RowIssue } from './row-issue.js'

const dir = mkdtempSync(join(tmpdir(), 'leadscore-contact-columns-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
function file(content: string, ext = 'csv'): string {
  const path = join(dir, `c${++files}.${ext}`)
  writeFileSync(path, content)
  return path
}

/** The contacts of `path` as readContacts gives them (the first row of each id), and its bad rows. */
async function byRows(path: string, properties?: string[]) {
  const issues: RowIssue[] = []
  const seen = new Map<string, Record<string, unknown>>()
  const source = readContacts(path, {
    onBadRow: (i) => issues.push(i),
    ...(properties ? { properties } : {}),
  })
  for await (const rows of source.batches())
    for (const row of rows) if (!seen.has(row.id)) seen.set(row.id, { ...row.properties })
  return { ids: [...seen.keys()], properties: [...seen.values()], issues, rows: source.stats.rows }
}

/** The same from readContactColumns: each contact's properties put back together from the columns. */
async function byColumns(path: string, properties?: string[]) {
  const issues: RowIssue[] = []
  const index = new IdIndex()
  const read = await readContactColumns(path, {
    index,
    onBadRow: (i) => issues.push(i),
    ...(properties ? { properties } : {}),
  })
  const bags = read.ids.map((_, c) => {
    const bag: Record<string, unknown> = {}
    for (const [name, column] of read.columns) {
      const code = column.codes[c]!
      if (code >= 0) bag[name] = column.values[code]
    }
    return bag
  })
  expect(read.ids.map((id) => index.find(id))).toEqual(read.ids.map((_, c) => c))
  return { ids: read.ids, properties: bags, issues, rows: read.stats.rows, duplicates: read.duplicates }
}

describe('readContactColumns', () => {
  it('gives the ids and values of readContacts, the first row of a repeated id, as columns', async () => {
    const path = file('contact_id,country,employees,title\nc1,US,12,VP\nc2,,007,\nc1,FR,3,CEO\nc3,US,12,NA\n')
    const read = await readContactColumns(path, { index: new IdIndex() })
    expect(read.ids).toEqual(['c1', 'c2', 'c3'])
    expect(read.duplicates).toBe(1)
    const country = read.columns.get('country')!
    expect([...country.codes]).toEqual([0, -1, 0])
    expect(country.values[0]).toBe('US') // (FR, of the row left out, may be listed: no contact has it)
    const employees = read.columns.get('employees')!
    expect([...employees.codes].map((k) => employees.values[k])).toEqual([12, '007', 12])
    expect(await byColumns(path)).toMatchObject(await byRows(path))
  })

  it('keeps only the properties asked for, and a column of distinct values as is', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `c${i},u${i}@example.com,${i % 3 === 0 ? '' : 'DE'}`)
    const path = file(`id,email,country\n${lines.join('\n')}\nc5,again@example.com,FR\n`)
    const read = await readContactColumns(path, { index: new IdIndex(), properties: ['email'] })
    expect([...read.columns.keys()]).toEqual(['email'])
    const email = read.columns.get('email')!
    expect(email.values[email.codes[2999]!]).toBe('u2999@example.com')
    expect(await byColumns(path, ['email', 'country'])).toMatchObject(
      await byRows(path, ['email', 'country']),
    )
  })

  it('reports the bad rows of readContacts, and throws the first in strict mode', async () => {
    const path = file('contact_id,a\nc1,x\nc2\n,y\nc3,"open\nc4,z\n')
    const columns = await byColumns(path)
    const rows = await byRows(path)
    expect(columns.issues.map((i) => i.message)).toEqual(rows.issues.map((i) => i.message))
    expect(columns.issues.length).toBeGreaterThan(1)
    expect(columns).toMatchObject({ ids: rows.ids, properties: rows.properties })
    await expect(readContactColumns(path, { index: new IdIndex(), strict: true })).rejects.toThrow(
      BadRowError,
    )
    await expect(readContactColumns(path, { index: new IdIndex(), strict: true })).rejects.toThrow(
      `${path}:3:`,
    )
  })

  it('refuses NDJSON (read it with readContacts)', async () => {
    await expect(
      readContactColumns(file('{"id":"a"}\n', 'ndjson'), { index: new IdIndex() }),
    ).rejects.toThrow(/readContacts/)
  })

  it('equals readContacts on random files, across dictionary and plain columns', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', '0', '12', '-3.5', '007', 'NA', 'null', 'x', '"a,b"', '"q""uote"', '__proto__'),
      fc.string({ maxLength: 6 }).filter((s) => !/[",\r\n]/.test(s)),
      fc.integer({ min: 0, max: 5000 }).map((k) => `value-number-${k}`),
    )
    const row = fc.tuple(
      fc.constantFrom('', 'c1', 'c2', 'c3', 'c4'),
      fc.array(cell, { minLength: 2, maxLength: 3 }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 60 }),
        fc.integer({ min: 0, max: 2500 }),
        async (rows, many) => {
          // `many` contacts with their own value make the `b` column plain part way through
          const body = [
            ...Array.from({ length: many }, (_, i) => `m${i},${i % 2},distinct-${i}`),
            ...rows.map(([id, cells], k) => `${id || (k % 3 === 0 ? '' : `r${k}`)},${cells.join(',')}`),
          ]
          const path = file(`contact_id,a,b\n${body.join('\n')}\n`)
          const columns = await byColumns(path)
          const expected = await byRows(path)
          expect(columns.ids).toEqual(expected.ids)
          expect(columns.properties).toEqual(expected.properties)
          expect(columns.issues).toEqual(expected.issues)
          expect(columns.rows).toBe(expected.rows)
        },
      ),
      { numRuns: 40 },
    )
  })
})
