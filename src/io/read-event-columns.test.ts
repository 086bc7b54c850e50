import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EventColumnBatch, type EventColumns, EventColumnsBuilder } from '../core/columnar/events.js'
import { idHash } from '../core/id-hash.js'
import type { ContactEvent } from '../core/input.js'
import { IdIndex } from './id-index.js'
import { InputFileError } from './input-file-error.js'
import { type ReadEventColumnsOptions, readEventColumns } from './read-event-columns.js'
import { readEvents } from './read-events.js'
import { BadRowError, type RowIssue } from './row-issue.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadscore-columns-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

let files = 0
/** Writes `content` to a new directory as `name` (ids derived from the name stay comparable). */
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, `${files++}`)
  mkdirSync(path)
  writeFileSync(join(path, name), content)
  return join(path, name)
}

/** What a read gives, to compare the two readers. */
interface Outcome {
  columns: EventColumns
  contacts: string[]
  issues: string[]
  rows: number
  unknown: number
  badRows: number
  error: string | undefined
}

type Options = Omit<ReadEventColumnsOptions, 'contactIndex'> & { known?: readonly string[] }

function indexOf(known: readonly string[]): IdIndex {
  const index = new IdIndex(4)
  for (const id of known) index.index(id)
  return index
}

function contactsOf(index: IdIndex): string[] {
  return Array.from({ length: index.size }, (_, i) => index.id(i)!)
}

/** readEvents + builder.add: the reference. */
async function byRows(path: string, options: Options): Promise<Outcome> {
  const { known = [], unknownContacts, keepIds, workers, chunkBytes, mainThreadParses, ...rest } = options
  void workers
  void chunkBytes
  void mainThreadParses
  const index = indexOf(known)
  const skip = unknownContacts === 'skip'
  const builder = new EventColumnsBuilder({
    keepIds: keepIds === true,
    ...(rest.properties ? { properties: rest.properties } : {}),
  })
  const issues: string[] = []
  let unknown = 0
  let error: string | undefined
  const source = readEvents(path, { ...rest, contactIndex: index, onBadRow: (i) => issues.push(i.message) })
  try {
    for await (const rows of source.batches()) {
      for (const row of rows) {
        if (skip && row.contactIndex >= known.length) {
          unknown++
          continue
        }
        builder.add(row.contactIndex, row.event)
      }
    }
  } catch (e) {
    error = describe_(e)
  }
  const contacts = skip ? contactsOf(index).slice(0, known.length) : contactsOf(index)
  return {
    columns: builder.finish(),
    contacts,
    issues,
    rows: source.stats.rows,
    unknown,
    badRows: source.stats.badRows,
    error,
  }
}

/** readEventColumns + builder.addColumns. */
async function byColumns(path: string, options: Options): Promise<Outcome> {
  const { known = [], ...rest } = options
  const index = indexOf(known)
  const builder = new EventColumnsBuilder({
    keepIds: rest.keepIds === true,
    ...(rest.properties ? { properties: rest.properties } : {}),
  })
  const issues: string[] = []
  let error: string | undefined
  const source = readEventColumns(path, {
    ...rest,
    contactIndex: index,
    onBadRow: (i) => issues.push(i.message),
  })
  try {
    for await (const batch of source.batches()) {
      checkBatch(batch, index)
      builder.addColumns(batch)
    }
  } catch (e) {
    error = describe_(e)
  }
  return {
    columns: builder.finish(),
    contacts: contactsOf(index),
    issues,
    rows: source.stats.rows,
    unknown: source.stats.unknownContactRows,
    badRows: source.stats.badRows,
    error,
  }
}

function checkBatch(batch: EventColumnBatch, index: IdIndex): void {
  for (let k = 0; k < batch.length; k++) {
    expect(batch.contact[k]).toBeGreaterThanOrEqual(0)
    expect(batch.contact[k]).toBeLessThan(index.size)
    expect(batch.name[k]).toBeLessThan(batch.names.length)
  }
}

function describe_(e: unknown): string {
  if (e instanceof BadRowError) return `BadRowError ${e.message} | ${e.hint}`
  if (e instanceof InputFileError) return `InputFileError ${e.message} | ${e.hint}`
  throw e
}

/** The columns as plain data (property columns by key, in any order). */
function plain(columns: EventColumns) {
  return {
    ...columns,
    offsets: [...columns.offsets],
    ts: [...columns.ts],
    name: [...columns.name],
    idHash: [...columns.idHash],
    properties: Object.fromEntries(
      [...columns.properties].map(([key, column]) => [
        key,
        { codes: [...column.codes], values: column.values },
      ]),
    ),
  }
}

async function expectSame(path: string, options: Options): Promise<Outcome> {
  const expected = await byRows(path, options)
  const got = await byColumns(path, options)
  expect(got.error).toEqual(expected.error)
  expect(got.issues).toEqual(expected.issues)
  expect(got.rows).toBe(expected.rows)
  expect(got.badRows).toBe(expected.badRows)
  expect(got.unknown).toBe(expected.unknown)
  expect(got.contacts).toEqual(expected.contacts)
  expect(plain(got.columns)).toEqual(plain(expected.columns))
  return got
}

// ---------------------------------------------------------------------------------------------
// Random files

const contactIds = ['c1', 'c2', 'c3', 'contact-with-a-long-id', 'ç4', 'c 5', '']
const names = ['page', 'Email Opened', 'Form Submitted', 'évènement', '', 'a,b', 'say "hi"']
const times = [
  '2024-03-01T12:00:00Z',
  '2024-03-01T12:00:00.250+01:00',
  '2024-03-01',
  '1709294400000',
  '1709294400000.5',
  '-5',
  '03/01/2024',
  '',
  '2024-02-30',
  '12345678901234567',
]
const eventIds = ['e1', 'e2', 'e1', 'an-event-id-longer-than-13', 'ê', '']
const values = ['12', '007', '1.50', '-3.5', 'NA', '0', '', 'x,y', 'two\nlines', 'q"uote', ' 12', 'é', '1e21']

const cell = (pool: readonly string[]) => fc.constantFrom(...pool)

/** One CSV cell as written: quoted when needed (or at random), sometimes malformed. */
const written = (pool: readonly string[]) =>
  fc.tuple(cell(pool), fc.nat({ max: 30 })).map(([text, how]) => {
    const needs = /[",\n\r]/.test(text)
    if (how === 0) return `"${text}"x` // text after the closing quote
    if (how === 1) return `${text}"${text}` // a quote inside an unquoted field
    if (needs || how < 6) return `"${text.replace(/"/g, '""')}"`
    return text
  })

const csvFile = fc
  .record({
    header: fc.constantFrom(
      ['contact_id', 'event', 'timestamp', 'event_id', 'url', 'value'],
      ['event_id', 'contact_id', 'event', 'timestamp', 'url', 'value'],
      ['user_id', 'type', 'ts', 'url'],
      ['userId', 'name', 'time', 'id', 'value', 'url'],
    ),
    rows: fc.array(
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('row') },
        { weight: 1, arbitrary: fc.constant('blank') },
        { weight: 1, arbitrary: fc.constant('short') },
        { weight: 1, arbitrary: fc.constant('junk') },
      ),
      { maxLength: 40 },
    ),
    cells: fc.infiniteStream(
      fc.record({
        contact: written(contactIds),
        name: written(names),
        time: written(times),
        id: written(eventIds),
        value: written(values),
        junk: fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'é', ' '), maxLength: 12 }),
      }),
    ),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    end: fc.constantFrom('', '\n', '"', '\n\n', '\r', '\n\r', '\r\r', '\n '),
  })
  .map(({ header, rows, cells, crlf, bom, end }) => {
    const nl = crlf ? '\r\n' : '\n'
    const lines = [header.join(',')]
    const it = cells[Symbol.iterator]()
    for (const kind of rows) {
      const c = it.next().value!
      if (kind === 'blank') lines.push('')
      else if (kind === 'junk') lines.push(c.junk)
      else {
        const fields = header.map((h) =>
          /contact|user/i.test(h)
            ? c.contact
            : /^(event|type|name)$/.test(h)
              ? c.name
              : /^(timestamp|ts|time)$/.test(h)
                ? c.time
                : /id$/.test(h)
                  ? c.id
                  : c.value,
        )
        lines.push((kind === 'short' ? fields.slice(1) : fields).join(','))
      }
    }
    return `${bom ? '\ufeff' : ''}${lines.join(nl)}${end}`
  })

const jsonValue = fc.oneof(
  cell(values),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ nested: 1 }),
)

const ndjsonFile = fc
  .array(
    fc.oneof(
      {
        weight: 10,
        arbitrary: fc
          .record(
            {
              userId: fc.oneof(
                cell(contactIds),
                fc.integer({ min: 0, max: 3 }),
                fc.constant(null),
                fc.constant(true),
              ),
              event: fc.oneof(cell(names), fc.constant(3)),
              timestamp: fc.oneof(cell(times), fc.constant(1709294400000), fc.constant(null)),
              messageId: fc.oneof(cell(eventIds), fc.integer({ min: 0, max: 2 }), fc.constant({})),
              url: jsonValue,
              value: jsonValue,
              properties: fc.oneof(
                fc.constant(undefined),
                fc.record({ value: jsonValue, extra: jsonValue }, { requiredKeys: [] }),
                fc.constant(5),
              ),
            },
            { requiredKeys: [] },
          )
          .map((o) => JSON.stringify(o)),
      },
      { weight: 1, arbitrary: fc.constantFrom('', '   ', '{bad json', '[1,2]', '"text"', '\r') },
    ),
    { maxLength: 40 },
  )
  .map((lines) => `${lines.join('\n')}\n`)

const PADDING = Array.from({ length: 5000 }, (_, i) => `pad-${i}`)

const optionsArb = fc.record(
  {
    unknownContacts: fc.constantFrom('add' as const, 'skip' as const),
    keepIds: fc.boolean(),
    // a large index too: the parsers are given the contacts of a small one only
    known: fc
      .tuple(fc.subarray(['c3', 'c1', 'ç4', '0', 'contact-with-a-long-id']), fc.boolean())
      .map(([known, large]) => (large ? [...PADDING, ...known] : known)),
    properties: fc.constantFrom<readonly string[]>(['value'], ['url', 'value', 'extra'], []),
    strict: fc.boolean(),
    batchSize: fc.constantFrom(1, 2, 3, 1000),
  },
  { requiredKeys: ['unknownContacts', 'known'] },
)

function clean<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T
}

describe('readEventColumns', () => {
  it('gives what readEvents and EventColumnsBuilder.add give (CSV, one chunk)', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, optionsArb, async (content, options) => {
        const path = file('events.csv', content)
        await expectSame(path, { ...clean(options), workers: 0 })
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same in chunks: bad rows, quoted newlines across chunk ends, derived ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvFile,
        optionsArb,
        fc.integer({ min: 1, max: 120 }),
        async (content, options, chunkBytes) => {
          const path = file('events.csv', content)
          await expectSame(path, { ...clean(options), workers: 0, chunkBytes })
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives the same for NDJSON, in one chunk and in many', async () => {
    await fc.assert(
      fc.asyncProperty(
        ndjsonFile,
        optionsArb,
        fc.integer({ min: 1, max: 200 }),
        async (content, options, chunkBytes) => {
          const path = file('events.ndjson', content)
          await expectSame(path, { ...clean(options), workers: 0 })
          await expectSame(path, { ...clean(options), workers: 0, chunkBytes })
        },
      ),
      { numRuns: 150 },
    )
  })

  it('gives the same from worker threads (CSV, NDJSON, gzip)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          csvFile.map((c) => ['events.csv', c] as const),
          ndjsonFile.map((c) => ['events.ndjson', c] as const),
          csvFile.map((c) => ['events.csv.gz', c] as const),
        ),
        optionsArb,
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        async ([name, content], options, chunkBytes, mainThreadParses) => {
          const path = file(name, name.endsWith('.gz') ? gzipSync(content) : content)
          await expectSame(path, { ...clean(options), workers: 1, chunkBytes, mainThreadParses })
        },
      ),
      { numRuns: 12 },
    )
  })
})

describe('readEventColumns, named cases', () => {
  const badCsv = [
    'contact_id,event,timestamp,url',
    'c1,page,2024-03-01T12:00:00Z,/a', // 2 ok
    ',page,2024-03-01T12:00:00Z,/b', // 3 no contact
    'c3,,2024-03-01T12:00:00Z,/c', // 4 no name
    'c4,page,,/d', // 5 no time
    'c5,page,03/01/2024,/e', // 6 bad time
    'c6,page,2024-03-01T12:00:00Z', // 7 too few fields
    'c7,page,"2024-03-01T12:00:00Z",/f', // 8 ok (quoted)
    'c7,page,"2024-03-01T12:00:00Z"x,/f', // 9 text after a quote
    'c8,page,2024-03-01,"/g', // 10 a quote never closed
    '',
  ].join('\n')
  const expected = [
    'events.csv:3: empty contact id in column "contact_id"; fill it in or remove the row',
    'events.csv:4: empty event name in column "event"; fill it in or remove the row',
    'events.csv:5: empty time in column "timestamp"; write it as ISO-8601 (2024-03-01T12:00:00Z) or epoch milliseconds (1709294400000)',
    'events.csv:6: cannot read time "03/01/2024" in column "timestamp"; write it as ISO-8601 (2024-03-01T12:00:00Z) or epoch milliseconds (1709294400000)',
    'events.csv:7: 3 fields where the header has 4 columns; quote fields that contain commas, and give every column a value (or an empty cell)',
    'events.csv:9: text after the closing quote of field 3 ("timestamp"); quote the whole field and double each quote inside it ("")',
    'events.csv:10: field 4 ("url") opens a quote that is never closed; add the closing quote, or double each quote inside the field ("")',
  ]

  it.each([
    ['on the main thread', { workers: 0 }],
    ['in chunks', { workers: 0, chunkBytes: 7 }],
    ['in a worker', { workers: 1, chunkBytes: 30, mainThreadParses: false }],
  ] as const)('reports bad rows with the file and line %s, as readEvents does', async (_, options) => {
    const path = file('events.csv', badCsv)
    const issues: RowIssue[] = []
    const index = new IdIndex()
    const source = readEventColumns(path, {
      ...options,
      contactIndex: index,
      onBadRow: (i) => issues.push(i),
    })
    let rows = 0
    for await (const batch of source.batches()) rows += batch.length
    expect(rows).toBe(2)
    expect(issues.map((i) => i.message.slice(i.message.indexOf('events.csv')))).toEqual(expected)
    expect(issues.map((i) => i.line)).toEqual([3, 4, 5, 6, 7, 9, 10])
    expect(issues[0]).toMatchObject({ file: path, kind: 'missing-id', field: 'contact_id' })
    expect(source.stats).toMatchObject({
      rows: 2,
      badRows: 7,
      badRowsByKind: { 'missing-id': 1, 'bad-time': 1 },
    })
    expect(contactsOf(index)).toEqual(['c1', 'c7'])
    await expectSame(path, options)
  })

  it.each([
    ['on the main thread', { workers: 0 }],
    ['in a worker', { workers: 1, chunkBytes: 40 }],
  ] as const)(
    'in strict mode gives the rows before the first bad row, then throws it (%s)',
    async (_, options) => {
      const path = file('events.csv', badCsv)
      const index = new IdIndex()
      const seen: number[] = []
      const source = readEventColumns(path, { ...options, strict: true, contactIndex: index, batchSize: 1 })
      const error = await (async () => {
        for await (const batch of source.batches()) seen.push(batch.contact[0]!)
      })().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(BadRowError)
      expect((error as BadRowError).message).toBe(`${path}:3: empty contact id in column "contact_id"`)
      expect(seen).toEqual([0])
    },
  )

  it('joins on the contact index: skips (and counts) the events of other contacts, or adds them', async () => {
    const path = file('events.csv', 'contact_id,event,ts\nc2,a,1\nc9,b,2\nc1,c,3\nc9,d,4\nc8,e,5\n')
    const skip = indexOf(['c1', 'c2'])
    const batches: EventColumnBatch[] = []
    const source = readEventColumns(path, { contactIndex: skip, unknownContacts: 'skip', batchSize: 2 })
    for await (const batch of source.batches())
      batches.push({ ...batch, contact: batch.contact.slice(0, batch.length) })
    expect(batches.flatMap((b) => [...b.contact])).toEqual([1, 0])
    expect(source.stats).toMatchObject({ rows: 5, unknownContactRows: 3 })
    expect(skip.size).toBe(2)
    const add = indexOf(['c1', 'c2'])
    await expectSame(path, { known: ['c1', 'c2'], unknownContacts: 'add' })
    for await (const batch of readEventColumns(path, { contactIndex: add }).batches()) void batch
    expect(contactsOf(add)).toEqual(['c1', 'c2', 'c9', 'c8'])
  })

  it('joins contact ids that are not UTF-8 as readEvents does (as text, U+FFFD for bad bytes)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('contact_id,event,ts\n'),
      Buffer.from([0xff, 0x61, 0x2c]), // "\ufffda"
      Buffer.from('x,1\nc\u00e9,y,2\n\ufffda,z,3\nzz,w,4\n'),
    ])
    const path = file('events.csv', bytes)
    for (const known of [
      ['\ud800a', '\ufffda', 'cé'],
      [...PADDING, '\ufffda', 'cé'],
    ]) {
      const got = await expectSame(path, { known, unknownContacts: 'skip', keepIds: true })
      expect(got.columns.length).toBe(3)
      expect(got.unknown).toBe(1)
    }
  })

  it('reads a last line of just a CR as CsvTokenizer does (one empty field: a bad row)', async () => {
    const path = file('events.csv', 'contact_id,event,ts\r\nc,x,1\r\n\r')
    for (const options of [{ workers: 0 }, { workers: 0, chunkBytes: 5 }]) {
      const got = await expectSame(path, options)
      expect(got.issues).toEqual([
        `${path}:3: 1 fields where the header has 3 columns; quote fields that contain commas, and give every column a value (or an empty cell)`,
      ])
    }
  })

  it('keeps the ids when asked, deriving <file name>:<line> for missing ones', async () => {
    const path = file('e.csv', 'contact_id,event,ts,event_id\nc,x,1,m-1\nc,x,2,\n\nc,x,3,\n')
    const ids: string[] = []
    for await (const batch of readEventColumns(path, {
      contactIndex: new IdIndex(),
      keepIds: true,
    }).batches())
      ids.push(...batch.ids!)
    expect(ids).toEqual(['m-1', 'e.csv:3', 'e.csv:5'])
  })

  it('reads gzip files, on the main thread and in a worker', async () => {
    const content = 'contact_id,event,ts,x\nc,x,1,7\nc,y,2,\n'
    const path = file('events.csv.gz', gzipSync(content))
    for (const workers of [0, 1]) {
      const got = await expectSame(path, { workers })
      expect(got.columns.length).toBe(2)
    }
  })

  it.each([
    [0, undefined],
    [1, undefined],
    [1, 16],
  ] as const)('fails on a file that cannot be read (workers %s, chunks %s)', async (workers, chunkBytes) => {
    const options = { contactIndex: new IdIndex(), workers, ...(chunkBytes ? { chunkBytes } : {}) }
    const read = async (path: string) => {
      for await (const batch of readEventColumns(path, options).batches()) void batch
    }
    await expect(read(join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: no such file$/)
    await expect(read(file('events.csv.gz', 'not gzip'))).rejects.toThrow(
      /events\.csv\.gz: not a valid gzip file/,
    )
    await expect(read(file('events.txt', 'x'))).rejects.toThrow(/unknown file type/)
    const error = await read(file('events.csv', '\n\ncontact_id,event,when\nc,x,1\n')).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(InputFileError)
    expect((error as InputFileError).message).toMatch(/events\.csv:3: no time column$/)
    await expect(read(file('events.csv', 'contact_id,event,"ts\n'))).rejects.toThrow(
      /events\.csv:1: bad header: field 3 opens a quote that is never closed/,
    )
  })

  it('stops its workers when the reading stops early', async () => {
    const lines = ['contact_id,event,ts']
    for (let i = 0; i < 5000; i++) lines.push(`c${i % 7},page,${i}`)
    const path = file('events.csv', `${lines.join('\n')}\n`)
    const source = readEventColumns(path, {
      contactIndex: new IdIndex(),
      workers: 1,
      chunkBytes: 1000,
      batchSize: 10,
    })
    for await (const batch of source.batches()) {
      expect(batch.length).toBeGreaterThan(0)
      break
    }
    expect(source.stats.threads).toBe(2)
    const again = await expectSame(path, { workers: 1, chunkBytes: 4096 })
    expect(again.columns.length).toBe(5000)
  })

  it('starts parsing before the contact index is filled, and gives what a later start gives', async () => {
    const lines = ['contact_id,event,ts']
    for (let i = 0; i < 5000; i++) lines.push(`c${i % 9},page,${i}`)
    const path = file('events.csv', `${lines.join('\n')}\n`)
    const known = ['c3', 'c0', 'c1', 'c2', 'c4', 'c5', 'c6'] // c7 and c8 are not contacts
    const options = { unknownContacts: 'skip', workers: 1, chunkBytes: 1000 } as const
    const expected = await byColumns(path, { ...options, known })
    expect(expected.unknown).toBeGreaterThan(0)

    const index = new IdIndex(4)
    const source = readEventColumns(path, { ...options, contactIndex: index })
    source.start()
    await new Promise((resolve) => setTimeout(resolve, 20)) // the worker parses meanwhile
    for (const id of known) index.index(id)
    const builder = new EventColumnsBuilder({})
    for await (const batch of source.batches()) builder.addColumns(batch)
    expect(builder.finish()).toEqual(expected.columns)
    expect(source.stats.unknownContactRows).toBe(expected.unknown)
    expect(source.stats.rows).toBe(5000)

    // a read started and never iterated stops (its worker too)
    const unused = readEventColumns(path, { ...options, contactIndex: new IdIndex() })
    unused.start()
    await unused.stop()
  })

  it('estimates the rows of a chunked file, and reports progress to the end', async () => {
    const lines = ['contact_id,event,ts']
    for (let i = 0; i < 3000; i++) lines.push(`c${i % 7},page,${i}`)
    const content = `${lines.join('\n')}\n`
    const path = file('events.csv', content)
    const progress: number[] = []
    const source = readEventColumns(path, {
      contactIndex: new IdIndex(),
      workers: 0,
      chunkBytes: 4000,
      progress: (bytes, total) => {
        expect(total).toBe(content.length)
        progress.push(bytes)
      },
    })
    for await (const batch of source.batches()) void batch
    expect(source.estimatedRows).toBeGreaterThan(2500)
    expect(source.estimatedRows).toBeLessThan(3500)
    expect(progress.at(-1)).toBe(content.length)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })
})

const event = (id: string, name: string, ts: number, properties: Record<string, unknown>): ContactEvent => ({
  id,
  name,
  ts,
  properties,
})

describe('EventColumnsBuilder.addColumns', () => {
  it('gives what add gives, whatever the dictionaries and their order', () => {
    const row = fc.record({
      contact: fc.nat({ max: 4 }),
      id: fc.constantFrom('a', 'b', 'c'),
      name: fc.constantFrom('x', 'y', 'z'),
      ts: fc.nat({ max: 3 }),
      p: fc.constantFrom<unknown>(undefined, null, 1, '1', 'one', 2),
      q: fc.constantFrom<unknown>(undefined, 'q1', 'q2'),
    })
    fc.assert(
      fc.property(
        fc.array(fc.array(row, { maxLength: 8 }), { maxLength: 5 }),
        fc.boolean(),
        fc.constantFrom(undefined, ['p'], ['q', 'p', 'r']),
        (batches, keepIds, properties) => {
          const options = { keepIds, ...(properties ? { properties } : {}) }
          const one = new EventColumnsBuilder({ ...options, capacity: 1 })
          const many = new EventColumnsBuilder({ ...options, capacity: 1 })
          // a dictionary shared by the batches, in an order of its own
          const names = ['z', 'y', 'x']
          const p: unknown[] = [2, null, 'one']
          const q: unknown[] = []
          const code = (list: unknown[], value: unknown) => {
            let i = list.indexOf(value)
            if (i < 0) i = list.push(value) - 1
            return i
          }
          for (const rows of batches) {
            const n = rows.length
            const batch: EventColumnBatch = {
              length: n,
              contact: Int32Array.from(rows, (r) => r.contact),
              ts: Float64Array.from(rows, (r) => r.ts),
              name: Int32Array.from(rows, (r) => code(names, r.name)),
              names,
              idHash: Float64Array.from(rows, (r) => idHash(r.id)),
              ids: rows.map((r) => r.id),
              properties: new Map([
                [
                  'p',
                  { codes: Int32Array.from(rows, (r) => (r.p === undefined ? -1 : code(p, r.p))), values: p },
                ],
                [
                  'q',
                  { codes: Int32Array.from(rows, (r) => (r.q === undefined ? -1 : code(q, r.q))), values: q },
                ],
              ]),
            }
            many.addColumns(batch)
            for (const r of rows) {
              const props: Record<string, unknown> = {}
              if (r.p !== undefined) props['p'] = r.p
              if (r.q !== undefined) props['q'] = r.q
              one.add(r.contact, event(r.id, r.name, r.ts, props))
            }
          }
          const a = one.finish()
          const b = many.finish()
          expect(plain(b)).toEqual(plain(a))
          expect([...b.properties.keys()]).toEqual([...a.properties.keys()])
        },
      ),
    )
  })

  it('asks for the ids when it keeps them', () => {
    const builder = new EventColumnsBuilder({ keepIds: true })
    const batch: EventColumnBatch = {
      length: 1,
      contact: Int32Array.of(0),
      ts: Float64Array.of(1),
      name: Int32Array.of(0),
      names: ['x'],
      idHash: Float64Array.of(idHash('a')),
      properties: new Map(),
    }
    expect(() => builder.addColumns(batch)).toThrow(/keeps ids/)
  })
})

describe('EventColumnsBuilder.finish', () => {
  it('sorts by contact, time, id hash (and id), keeps the first of exact duplicates, in any input order', () => {
    const row = fc.record({
      contact: fc.nat({ max: 5 }),
      ts: fc.nat({ max: 4 }),
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      name: fc.constantFrom('x', 'y'),
    })
    // grouped by contact in index order (rows move within a contact), in time order with ties
    // in any id order, long runs in reverse (sorted by insertion, or not), sorted, or anything
    const rowsArb = fc.oneof(
      fc.array(row, { maxLength: 60 }),
      fc.array(row, { maxLength: 60 }).map((rows) => [...rows].sort((a, b) => a.contact - b.contact)),
      fc
        .array(row, { maxLength: 60 })
        .map((rows) => [...rows].sort((a, b) => a.contact - b.contact || a.ts - b.ts)),
      fc
        .array(row, { minLength: 80, maxLength: 150 })
        .map((rows) => rows.map((r) => ({ ...r, contact: r.contact % 2 })).sort((a, b) => b.ts - a.ts)),
      fc
        .array(row, { maxLength: 60 })
        .map((rows) =>
          [...rows].sort((a, b) => a.contact - b.contact || a.ts - b.ts || idHash(a.id) - idHash(b.id)),
        ),
    )
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, keepIds) => {
        const builder = new EventColumnsBuilder({ keepIds, capacity: 1 })
        for (const r of rows) builder.add(r.contact, event(r.id, r.name, r.ts, { n: r.name }))
        const got = builder.finish()
        const sorted = rows
          .map((r, i) => ({ ...r, i, h: idHash(r.id) }))
          .sort(
            (a, b) =>
              a.contact - b.contact ||
              a.ts - b.ts ||
              a.h - b.h ||
              (keepIds ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : 0) ||
              a.i - b.i,
          )
          .filter((r, k, all) => {
            const p = all[k - 1]
            return !(
              p &&
              p.contact === r.contact &&
              p.ts === r.ts &&
              p.h === r.h &&
              (!keepIds || p.id === r.id)
            )
          })
        expect(got.length).toBe(sorted.length)
        expect([...got.ts]).toEqual(sorted.map((r) => r.ts))
        expect([...got.idHash]).toEqual(sorted.map((r) => r.h))
        expect([...got.name].map((c) => got.names[c])).toEqual(sorted.map((r) => r.name))
        const n = got.properties.get('n')
        expect(n === undefined ? [] : [...n.codes].map((c) => n.values[c])).toEqual(sorted.map((r) => r.name))
        if (keepIds) expect(got.ids).toEqual(sorted.map((r) => r.id))
        const contacts = Math.max(0, ...rows.map((r) => r.contact + 1))
        for (let c = 0; c < contacts; c++) {
          expect(got.offsets[c + 1]! - got.offsets[c]!).toBe(sorted.filter((r) => r.contact === c).length)
        }
      }),
      { numRuns: 500 },
    )
  })
})
