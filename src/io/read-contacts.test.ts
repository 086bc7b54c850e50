import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InputFileError } from './input-file-error.js'
import { readContacts } from './read-contacts.js'
import { BadRowError, type RowIssue } from './row-issue.js'
import type { RowSource } from './row-source.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadscore-io-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

async function all<T>(source: RowSource<T>): Promise<T[]> {
  const rows: T[] = []
  for await (const row of source) rows.push(row)
  return rows
}

describe('readContacts', () => {
  it('reads the contact_id column as the id and every other column as a property', async () => {
    const path = file('contacts.csv', 'email,contact_id,employees\na@x.io,c1,12\nb@y.io,c2,\n')
    expect(await all(readContacts(path))).toEqual([
      { id: 'c1', index: -1, properties: { email: 'a@x.io', employees: 12 }, line: 2 },
      { id: 'c2', index: -1, properties: { email: 'b@y.io' }, line: 3 },
    ])
  })

  it('falls back to an id column, and takes an explicit idColumn', async () => {
    const path = file('c.csv', 'id,email\nc1,a@x.io\n')
    expect((await all(readContacts(path)))[0]?.id).toBe('c1')
    const explicit = await all(readContacts(path, { idColumn: 'email' }))
    expect(explicit[0]).toEqual({ id: 'a@x.io', index: -1, properties: { id: 'c1' }, line: 2 })
  })

  it('prefers contact_id over id (id is then a property)', async () => {
    const path = file('c.csv', 'id,contact_id\nx,c1\n')
    expect(await all(readContacts(path))).toEqual([{ id: 'c1', index: -1, properties: { id: 'x' }, line: 2 }])
  })

  it('leaves empty cells out and keeps NA, null, 0 and 007 as values', async () => {
    const path = file('c.csv', 'contact_id,a,b,c,d,e,f,g\nc1,,NA,null,0,007,-3.5," "\n')
    const [row] = await all(readContacts(path))
    expect(row?.properties).toEqual({ b: 'NA', c: 'null', d: 0, e: '007', f: -3.5, g: ' ' })
    expect(row?.properties).not.toHaveProperty('a')
  })

  it('trims header names and reads BOM, CRLF, quotes and embedded newlines', async () => {
    const path = file('c.csv', '\uFEFF contact_id , note\r\n"c,1","say ""hi""\r\nagain"\r\nc2,x\r\n')
    expect(await all(readContacts(path))).toEqual([
      { id: 'c,1', index: -1, properties: { note: 'say "hi"\r\nagain' }, line: 2 },
      { id: 'c2', index: -1, properties: { note: 'x' }, line: 4 },
    ])
  })

  it('reads a gzip file by streaming', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `c${i},${i % 7},"note ${i}\nline two"`)
    const path = file('contacts.csv.gz', gzipSync(`contact_id,n,note\n${rows.join('\n')}\n`))
    const read = await all(readContacts(path))
    expect(read).toHaveLength(5000)
    expect(read[4999]).toEqual({
      id: 'c4999',
      index: -1,
      properties: { n: 4999 % 7, note: 'note 4999\nline two' },
      line: 10000,
    })
  })

  it('reads NDJSON, merging a nested properties object and keeping JSON types', async () => {
    const path = file(
      'contacts.ndjson',
      '{"contact_id":"c1","plan":"pro","properties":{"seats":"007","plan":"team","vip":true}}\n' +
        '\n' +
        '{"id":42,"score":null,"tags":["a"]}\r\n',
    )
    expect(await all(readContacts(path))).toEqual([
      { id: 'c1', index: -1, properties: { plan: 'team', seats: '007', vip: true }, line: 1 },
      { id: '42', index: -1, properties: { score: null, tags: ['a'] }, line: 3 },
    ])
  })

  it('reads .jsonl, and a __proto__ column as a plain property', async () => {
    const path = file('c.jsonl', '{"id":"c1","__proto__":{"x":1}}\n')
    const [row] = await all(readContacts(path))
    expect(Object.getPrototypeOf(row?.properties)).toBe(Object.prototype)
    expect(Object.hasOwn(row?.properties ?? {}, '__proto__')).toBe(true)
    const csv = file('c.csv', 'id,__proto__\nc1,x\n')
    const [csvRow] = await all(readContacts(csv))
    expect(Object.getOwnPropertyDescriptor(csvRow?.properties, '__proto__')?.value).toBe('x')
  })

  it('skips bad rows, reports each with file, line and what to do, and counts them', async () => {
    const path = file(
      'contacts.csv',
      'contact_id,email\nc1,a@x.io\n,b@y.io\nc3,c@z.io,extra\nc4,"a"b\nc5,ok\n',
    )
    const issues: RowIssue[] = []
    const source = readContacts(path, { onBadRow: (issue) => issues.push(issue) })
    expect((await all(source)).map((r) => r.id)).toEqual(['c1', 'c5'])
    expect(issues.map((i) => [i.line, i.kind, i.field])).toEqual([
      [3, 'missing-id', 'contact_id'],
      [4, 'column-count', undefined],
      [5, 'text-after-quote', 'email'],
    ])
    expect(issues[0]?.message).toBe(
      `${path}:3: empty contact id in column "contact_id"; fill it in or remove the row`,
    )
    expect(issues[1]?.message).toContain(
      ':4: 3 fields where the header has 2 columns; quote fields that contain commas',
    )
    expect(source.stats).toMatchObject({
      rows: 2,
      badRows: 3,
      badRowsByKind: { 'missing-id': 1, 'column-count': 1, 'text-after-quote': 1 },
    })
  })

  it('reports NDJSON lines that are not JSON objects, or have no usable id', async () => {
    const path = file(
      'c.ndjson',
      '{"id":"c1"}\n{"id":\n[1,2]\n{"email":"x"}\n{"id":{"a":1}}\n{"id":"c6","properties":"x"}\n{"id":""}\n',
    )
    const issues: RowIssue[] = []
    expect(await all(readContacts(path, { onBadRow: (i) => issues.push(i) }))).toHaveLength(1)
    expect(issues.map((i) => [i.line, i.kind])).toEqual([
      [2, 'bad-json'],
      [3, 'not-an-object'],
      [4, 'missing-id'],
      [5, 'bad-id'],
      [6, 'bad-properties'],
      [7, 'missing-id'],
    ])
    expect(issues[1]?.problem).toBe('an array, not a JSON object')
    expect(issues[2]?.problem).toBe('no contact id ("contact_id" or "id")')
  })

  it('throws a BadRowError at the first bad row in strict mode', async () => {
    const path = file('c.csv', 'id,x\nc1,1\nc2\nc3,3\n')
    const seen: string[] = []
    const run = async () => {
      for await (const row of readContacts(path, { strict: true })) seen.push(row.id)
    }
    await expect(run()).rejects.toThrow(BadRowError)
    await expect(run()).rejects.toThrow(`${path}:3: 1 fields where the header has 2 columns`)
    expect(seen).toContain('c1')
    expect(seen).not.toContain('c3')
  })

  it('fails on a header without an id column, naming the columns and the option', async () => {
    const path = file('c.csv', 'email,name\na,b\n')
    const error = await all(readContacts(path)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputFileError)
    expect((error as InputFileError).message).toBe(`${path}:1: no contact id column`)
    expect((error as InputFileError).hint).toBe(
      'name it "contact_id" or "id", or choose it with the idColumn option (the header has "email", "name")',
    )
    await expect(all(readContacts(path, { idColumn: 'nope' }))).rejects.toThrow('no column "nope"')
  })

  it('fails on an unnamed or repeated header column', async () => {
    await expect(all(readContacts(file('a.csv', 'id,,x\n')))).rejects.toThrow(
      'column 2 of the header has no name',
    )
    await expect(all(readContacts(file('b.csv', 'id,x,x\n')))).rejects.toThrow(
      'column "x" appears twice in the header (columns 2 and 3)',
    )
  })

  it('fails clearly on a missing file, an unknown extension and a corrupt gzip file', async () => {
    await expect(all(readContacts(join(dir, 'none.csv')))).rejects.toThrow(
      `${join(dir, 'none.csv')}: no such file`,
    )
    await expect(all(readContacts(file('c.txt', 'id\n')))).rejects.toThrow('unknown file type')
    expect((await all(readContacts(file('c.txt', 'id\nc1\n'), { format: 'csv' }))).length).toBe(1)
    const bad = await all(readContacts(file('c.csv.gz', 'id\nc1\n'))).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(InputFileError)
    expect((bad as Error).message).toContain('not a valid gzip file')
  })

  it('reads an empty file, and a header-only file, as no rows', async () => {
    expect(await all(readContacts(file('empty.csv', '')))).toEqual([])
    expect(await all(readContacts(file('header.csv', 'id,x\n')))).toEqual([])
  })

  it('yields batches of batchSize rows and reports progress in bytes', async () => {
    const content = `id,n\n${Array.from({ length: 25 }, (_, i) => `c${i},${i}`).join('\n')}\n`
    const path = file('c.csv', content)
    const progress: [number, number][] = []
    const source = readContacts(path, {
      batchSize: 10,
      progress: (done, total) => progress.push([done, total]),
    })
    const sizes: number[] = []
    for await (const batch of source.batches()) sizes.push(batch.length)
    expect(sizes).toEqual([10, 10, 5])
    expect(progress.at(-1)).toEqual([content.length, content.length])
    expect(source.stats).toMatchObject({
      rows: 25,
      badRows: 0,
      bytesRead: content.length,
      totalBytes: content.length,
    })
    // A second iteration reads the file again and resets the counts.
    expect(await all(source)).toHaveLength(25)
    expect(source.stats.rows).toBe(25)
  })
})
