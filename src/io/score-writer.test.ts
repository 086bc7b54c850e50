import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CsvTokenizer, csvFields } from './csv-tokenizer.js'
import { OutputFileError } from './output-file-error.js'
import { readContacts } from './read-contacts.js'
import { createScoreWriter, csvCell, type ScoreColumn, type ScoreRow } from './score-writer.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadscore-io-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const COLUMNS = ['contact_id', 'score', 'grade', 'note']
const ROWS: ScoreRow[] = [
  { contact_id: 'c1', score: 87.123456789, grade: 'A', note: 'plain' },
  { contact_id: 'c,2', score: 0.1 + 0.2, grade: null, note: 'say "hi"\nbye' },
  { contact_id: 'c3', score: -0, note: ' padded ', extra: 'ignored' },
  { contact_id: 'c4', score: Number.NaN, grade: true, note: { top: ['pricing'], w: 1 / 3 } },
]

async function writeAll(target: string | Writable, format: 'csv' | 'json' | 'ndjson', rows = ROWS) {
  const writer = createScoreWriter(target, format, COLUMNS)
  for (const row of rows) await writer.write(row)
  await writer.end()
  return writer
}

function parseCsv(text: string): string[][] {
  const records: string[][] = []
  const tokenizer = new CsvTokenizer(
    (record) => records.push(csvFields(record)),
    (problem) => {
      throw new Error(problem.kind)
    },
  )
  tokenizer.push(text)
  tokenizer.end()
  return records
}

describe('createScoreWriter', () => {
  it('writes CSV with a header, RFC 4180 quoting and rounded numbers', async () => {
    const path = join(dir, 'scores.csv')
    const writer = await writeAll(path, 'csv')
    expect(writer.rows).toBe(4)
    expect(parseCsv(readFileSync(path, 'utf8'))).toEqual([
      COLUMNS,
      ['c1', '87.123457', 'A', 'plain'],
      ['c,2', '0.3', '', 'say "hi"\nbye'],
      ['c3', '0', '', ' padded '],
      ['c4', '', 'true', '{"top":["pricing"],"w":0.333333}'],
    ])
  })

  it('writes CSV that the contacts reader reads back', async () => {
    const path = join(dir, 'scores.csv')
    await writeAll(path, 'csv')
    const rows = []
    for await (const row of readContacts(path)) rows.push(row)
    expect(rows.map((r) => [r.id, r.properties['score'], r.line])).toEqual([
      ['c1', 87.123457, 2],
      ['c,2', 0.3, 3],
      ['c3', 0, 5],
      ['c4', undefined, 6],
    ])
  })

  it('quotes only what needs quoting', () => {
    expect(csvCell('a b')).toBe('a b')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('a"b')).toBe('"a""b"')
    expect(csvCell('a\rb')).toBe('"a\rb"')
    expect(csvCell(new Date(Date.UTC(2024, 2, 1)))).toBe('2024-03-01T00:00:00.000Z')
    expect(csvCell(undefined)).toBe('')
  })

  it('writes JSON as one array, and NDJSON as one object per line, with null for absent values', async () => {
    const json = join(dir, 'scores.json')
    await writeAll(json, 'json')
    const parsed = JSON.parse(readFileSync(json, 'utf8')) as unknown[]
    expect(parsed).toEqual([
      { contact_id: 'c1', score: 87.123457, grade: 'A', note: 'plain' },
      { contact_id: 'c,2', score: 0.3, grade: null, note: 'say "hi"\nbye' },
      { contact_id: 'c3', score: 0, grade: null, note: ' padded ' },
      { contact_id: 'c4', score: null, grade: true, note: { top: ['pricing'], w: 0.333333 } },
    ])
    const ndjson = join(dir, 'scores.ndjson')
    await writeAll(ndjson, 'ndjson')
    const lines = readFileSync(ndjson, 'utf8').split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(parsed)
  })

  it('writes an empty JSON array and a header-only CSV when there are no rows', async () => {
    const json = join(dir, 'empty.json')
    await writeAll(json, 'json', [])
    expect(readFileSync(json, 'utf8')).toBe('[]\n')
    const csv = join(dir, 'empty.csv')
    await writeAll(csv, 'csv', [])
    expect(readFileSync(csv, 'utf8')).toBe('contact_id,score,grade,note\n')
  })

  it('gzips when the path ends in .gz', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ contact_id: `c${i}`, score: i / 7 }))
    const path = join(dir, 'scores.ndjson.gz')
    await writeAll(path, 'ndjson', rows)
    const lines = gunzipSync(readFileSync(path)).toString('utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(20_000)
    expect(JSON.parse(lines[7]!)).toEqual({ contact_id: 'c7', score: 1, grade: null, note: null })
  })

  it('waits for a slow stream to drain, and leaves a given stream open', async () => {
    const received: Buffer[] = []
    let pending = 0
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk)
        setTimeout(callback, 1)
      },
    })
    const writer = createScoreWriter(slow, 'ndjson', ['i', 'pad'])
    for (let i = 0; i < 5000; i++) {
      const done = writer.write({ i, pad: 'x'.repeat(50) })
      let settled = false
      void done.then(() => {
        settled = true
      })
      await Promise.resolve()
      if (!settled) pending++
      await done
    }
    await writer.end()
    expect(pending).toBeGreaterThan(0)
    expect(slow.writableEnded).toBe(false)
    const lines = Buffer.concat(received).toString('utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(5000)
    expect(JSON.parse(lines[4999]!)).toEqual({ i: 4999, pad: 'x'.repeat(50) })
  })

  it('ends a given stream when asked', async () => {
    const stream = new PassThrough()
    const writer = createScoreWriter(stream, 'csv', ['a'], { endStream: true })
    await writer.write({ a: 1 })
    await writer.end()
    expect(stream.writableEnded).toBe(true)
    expect(stream.read()?.toString()).toBe('a\n1\n')
  })

  it('fails with the path and what to do when the file cannot be written', async () => {
    const path = join(dir, 'missing', 'scores.csv')
    const writer = createScoreWriter(path, 'csv', ['a'])
    await writer.write({ a: 1 })
    const error = await writer.end().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutputFileError)
    expect((error as OutputFileError).message).toBe(`${path}: the folder does not exist`)
    expect((error as OutputFileError).hint).toBe('create the folder or choose another path')
  })

  it('writes columns as the same text as the rows they hold, in every format', async () => {
    const text = fc.oneof(fc.constantFrom('', 'A', 'a,b', 'say "hi"', 'two\nlines', 'ünï'), fc.string())
    const number = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(0, -0, 0.1 + 0.2, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
    )
    const row = fc.record({
      id: text,
      n: number,
      code: fc.integer({ min: -1, max: 2 }),
      other: fc.oneof(text, number, fc.constant(null), fc.constant(undefined), fc.boolean()),
    })
    const columns = ['id', 'n', 'class', 'other']
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 30 }),
        fc.constantFrom('csv' as const, 'json' as const, 'ndjson' as const),
        fc.array(text, { minLength: 3, maxLength: 3 }),
        async (rows, format, values) => {
          const classOf = (code: number) => (code < 0 ? null : values[code])
          const byRows = await collect(format, columns, async (writer) => {
            await writer.writeAll(
              rows.map((r) => ({ id: r.id, n: r.n, class: classOf(r.code), other: r.other })),
            )
          })
          const byColumns = await collect(format, columns, async (writer) => {
            const given: ScoreColumn[] = [
              { at: (r) => rows[r]!.id },
              { numbers: Float64Array.from(rows, (r) => r.n) },
              { codes: Int32Array.from(rows, (r) => r.code), values },
              { at: (r) => rows[r]!.other },
            ]
            await writer.writeColumns(rows.length, given)
          })
          expect(byColumns).toBe(byRows)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('refuses columns that do not match the configured ones', async () => {
    const writer = createScoreWriter(new PassThrough(), 'csv', ['a', 'b'])
    await expect(writer.writeColumns(1, [{ numbers: [1] }])).rejects.toThrow(
      '1 columns given for 2 configured',
    )
  })

  it('refuses a write after end', async () => {
    const writer = createScoreWriter(new PassThrough(), 'csv', ['a'])
    await writer.end()
    await expect(writer.write({ a: 1 })).rejects.toThrow('write() after end()')
  })
})

/** The text a writer of `columns` gives after `fill`. */
async function collect(
  format: 'csv' | 'json' | 'ndjson',
  columns: string[],
  fill: (writer: ReturnType<typeof createScoreWriter>) => Promise<void>,
): Promise<string> {
  let text = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      done()
    },
  })
  const writer = createScoreWriter(sink, format, columns)
  await fill(writer)
  await writer.end()
  return text
}
