import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IdIndex } from './id-index.js'
import { InputFileError } from './input-file-error.js'
import { readContacts } from './read-contacts.js'
import { type EventRow, readEvents } from './read-events.js'
import { BadRowError, type RowIssue } from './row-issue.js'

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

async function read(path: string, options: Parameters<typeof readEvents>[1] = {}) {
  const issues: RowIssue[] = []
  const rows: EventRow[] = []
  const source = readEvents(path, { ...options, onBadRow: (issue) => issues.push(issue) })
  for await (const batch of source.batches()) rows.push(...batch)
  return { rows, issues, stats: source.stats }
}

const NOON = Date.UTC(2024, 2, 1, 12)

describe('readEvents', () => {
  it('reads contact id, name, time and properties; derives ids from the file name and line', async () => {
    const path = file(
      'events.csv',
      'contact_id,event,timestamp,url,value\nc1,page,2024-03-01T12:00:00Z,/pricing,3\n',
    )
    const { rows } = await read(path)
    expect(rows).toEqual([
      {
        contactId: 'c1',
        contactIndex: -1,
        event: { id: 'events.csv:2', name: 'page', ts: NOON, properties: { url: '/pricing', value: 3 } },
        line: 2,
      },
    ])
  })

  it('reads epoch milliseconds and ISO-8601 times alike', async () => {
    const path = file(
      'e.csv',
      `contact_id,event,ts\nc1,a,${NOON}\nc1,b,2024-03-01T13:00:00+01:00\nc1,c,2024-03-01\n`,
    )
    expect((await read(path)).rows.map((r) => r.event.ts)).toEqual([NOON, NOON, Date.UTC(2024, 2, 1)])
  })

  it.each([
    ['contact_id,event,timestamp', 'c,x,1'],
    ['user_id,type,ts', 'c,x,1'],
    ['userId,name,time', 'c,x,1'],
    ['time,name,userId,user_id', '1,x,other,c'],
  ])('finds the columns in header %s', async (header, line) => {
    const { rows } = await read(file('e.csv', `${header}\n${line}\n`))
    expect(rows[0]?.contactId).toBe('c')
    expect(rows[0]?.event.name).toBe('x')
    expect(rows[0]?.event.ts).toBe(1)
  })

  it('takes the event id from event_id, message_id, messageId or id, and derives it for an empty cell', async () => {
    for (const column of ['event_id', 'message_id', 'messageId', 'id']) {
      const { rows } = await read(file('e.csv', `contact_id,event,ts,${column}\nc,x,1,m-1\nc,x,2,\n`))
      expect(rows.map((r) => r.event.id)).toEqual(['m-1', 'e.csv:3'])
      expect(rows[0]?.event.properties).toEqual({})
    }
  })

  it('takes explicit column options', async () => {
    const path = file('e.csv', 'who,what,when,key,x\nc,x,1,k,y\n')
    const { rows } = await read(path, {
      contactIdColumn: 'who',
      eventColumn: 'what',
      timeColumn: 'when',
      eventIdColumn: 'key',
    })
    expect(rows[0]).toEqual({
      contactId: 'c',
      contactIndex: -1,
      event: { id: 'k', name: 'x', ts: 1, properties: { x: 'y' } },
      line: 2,
    })
  })

  it('gives each event the index of its contact, shared with readContacts', async () => {
    const contacts = file('contacts.csv', 'contact_id,plan\nc1,pro\nc2,free\n')
    const events = file('events.csv', 'contact_id,event,ts\nc2,a,1\nc9,b,2\nc1,c,3\nc9,d,4\n')
    const index = new IdIndex()
    const indexes: number[] = []
    for await (const row of readContacts(contacts, { index })) indexes.push(row.index)
    expect(indexes).toEqual([0, 1])
    const { rows } = await read(events, { contactIndex: index, batchSize: 3 })
    expect(rows.map((r) => [r.contactId, r.contactIndex])).toEqual([
      ['c2', 1],
      ['c9', 2],
      ['c1', 0],
      ['c9', 2],
    ])
    expect(index.size).toBe(3)
  })

  it('keeps only the properties asked for', async () => {
    const csv = file('e.csv', 'contact_id,event,ts,url,campaign,value\nc,page,1,/a,spring,3\n')
    expect((await read(csv, { properties: ['url', 'value'] })).rows[0]?.event.properties).toEqual({
      url: '/a',
      value: 3,
    })
    const ndjson = file(
      'e.ndjson',
      '{"userId":"c","event":"x","ts":1,"a":1,"b":2,"properties":{"c":3,"d":4}}\n',
    )
    expect((await read(ndjson, { properties: ['a', 'c'] })).rows[0]?.event.properties).toEqual({ a: 1, c: 3 })
  })

  it('fails on a header without a contact id, name or time column', async () => {
    const error = await read(file('e.csv', 'contact_id,event,when\n')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputFileError)
    expect((error as InputFileError).message).toMatch(/e\.csv:1: no time column$/)
    expect((error as InputFileError).hint).toContain(
      'name it "timestamp", "ts" or "time", or choose it with the timeColumn option',
    )
    await expect(read(file('e.csv', 'id,event,ts\n'))).rejects.toThrow('no contact id column')
    await expect(read(file('e.csv', 'user_id,ts\n'))).rejects.toThrow('no event name column')
  })

  it('reports each bad row with its line, field and what to do', async () => {
    const path = file(
      'events.csv',
      [
        'contact_id,event,timestamp,url',
        'c1,page,2024-03-01T12:00:00Z,/a', // 2 ok
        ',page,2024-03-01T12:00:00Z,/b', // 3 no contact
        'c3,,2024-03-01T12:00:00Z,/c', // 4 no name
        'c4,page,,/d', // 5 no time
        'c5,page,03/01/2024,/e', // 6 bad time
        'c6,page,2024-03-01T12:00:00Z', // 7 too few fields
        'c7,page,"2024-03-01T12:00:00Z",/f', // 8 ok (quoted)
        'c8,page,2024-03-01,"/g', // 9 a quote never closed: the rest of the file is this field
        '',
      ].join('\n'),
    )
    const { rows, issues, stats } = await read(path)
    expect(rows.map((r) => r.line)).toEqual([2, 8])
    expect(issues.map((i) => [i.line, i.kind, i.field])).toEqual([
      [3, 'missing-id', 'contact_id'],
      [4, 'missing-event', 'event'],
      [5, 'missing-time', 'timestamp'],
      [6, 'bad-time', 'timestamp'],
      [7, 'column-count', undefined],
      [9, 'unterminated-quote', 'url'],
    ])
    expect(issues[3]?.message).toBe(
      `${path}:6: cannot read time "03/01/2024" in column "timestamp"; ` +
        'write it as ISO-8601 (2024-03-01T12:00:00Z) or epoch milliseconds (1709294400000)',
    )
    expect(issues[5]?.message).toBe(
      `${path}:9: field 4 ("url") opens a quote that is never closed; ` +
        'add the closing quote, or double each quote inside the field ("")',
    )
    expect(stats.badRows).toBe(6)
    expect(stats.rows).toBe(2)
  })

  it('throws the first bad row in strict mode, after yielding the rows before it', async () => {
    const path = file('e.csv', 'contact_id,event,ts\nc1,a,1\nc2,b,soon\nc3,c,3\n')
    const seen: string[] = []
    const error = await (async () => {
      for await (const row of readEvents(path, { strict: true })) seen.push(row.contactId)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BadRowError)
    expect((error as BadRowError).issue).toMatchObject({ line: 3, kind: 'bad-time', field: 'ts' })
    expect((error as BadRowError).message).toBe(`${path}:3: cannot read time "soon" in column "ts"`)
    expect(seen).toEqual(['c1'])
  })

  it('reads NDJSON events (Segment-like), merging properties and keeping JSON types', async () => {
    const lines = [
      {
        type: 'track',
        event: 'Signed Up',
        userId: 'u1',
        messageId: 'm1',
        timestamp: '2024-03-01T12:00:00Z',
        properties: { plan: 'pro', seats: 3 },
      },
      { type: 'page', name: 'Pricing', userId: 7, timestamp: NOON, properties: null },
      { contact_id: 'c3', event: 'x', ts: '1709294400000', ok: false },
    ]
    const path = file('events.ndjson.gz', gzipSync(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`))
    const { rows, issues } = await read(path)
    expect(issues).toEqual([])
    expect(rows).toEqual([
      {
        contactId: 'u1',
        contactIndex: -1,
        event: {
          id: 'm1',
          name: 'Signed Up',
          ts: NOON,
          properties: { type: 'track', plan: 'pro', seats: 3 },
        },
        line: 1,
      },
      {
        contactId: '7',
        contactIndex: -1,
        event: { id: 'events.ndjson.gz:2', name: 'page', ts: NOON, properties: { name: 'Pricing' } },
        line: 2,
      },
      {
        contactId: 'c3',
        contactIndex: -1,
        event: { id: 'events.ndjson.gz:3', name: 'x', ts: NOON, properties: { ok: false } },
        line: 3,
      },
    ])
  })

  it('reports bad NDJSON lines', async () => {
    const path = file(
      'e.jsonl',
      [
        '{"userId":"u","event":"a","ts":1}',
        '{"userId":"u","event":"a","ts":1', // 2 bad json
        '"just a string"', // 3
        '{"event":"a","ts":1}', // 4 no contact
        '{"userId":"u","ts":1}', // 5 no name
        '{"userId":"u","event":5,"ts":1}', // 6 name not a string
        '{"userId":"u","event":"a"}', // 7 no time
        '{"userId":"u","event":"a","ts":"later"}', // 8 bad time
        '{"userId":"u","event":"a","ts":true}', // 9 bad time
        '{"userId":"u","event":"a","ts":1,"messageId":[1]}', // 10 bad event id
        '{"userId":"u","event":"a","ts":1,"properties":[1]}', // 11 bad properties
      ].join('\n'),
    )
    const { rows, issues } = await read(path)
    expect(rows).toHaveLength(1)
    expect(issues.map((i) => [i.line, i.kind])).toEqual([
      [2, 'bad-json'],
      [3, 'not-an-object'],
      [4, 'missing-id'],
      [5, 'missing-event'],
      [6, 'missing-event'],
      [7, 'missing-time'],
      [8, 'bad-time'],
      [9, 'bad-time'],
      [10, 'bad-id'],
      [11, 'bad-properties'],
    ])
    expect(issues[0]?.message).toMatch(/e\.jsonl:2: invalid JSON \(.+\); write one JSON object per line$/)
    expect(issues[2]?.problem).toBe('no contact id ("contact_id", "user_id" or "userId")')
    expect(issues[4]?.problem).toBe('the event name "event" is number, not a string')
    expect(issues[6]?.problem).toBe('cannot read time "later" in "ts"')
  })

  it('stops reading when the consumer stops early', async () => {
    const body = Array.from({ length: 300_000 }, (_, i) => `c${i},e,${i}`).join('\n') // about 4 MB
    const path = file('e.csv', `contact_id,event,ts\n${body}\n`)
    const source = readEvents(path, { batchSize: 100 })
    let batches = 0
    for await (const _ of source.batches()) if (++batches === 2) break
    expect(source.stats.rows).toBe(200)
    expect(source.stats.bytesRead).toBeLessThan(source.stats.totalBytes)
  })

  it('gives the same rows from CSV and from its gzip', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `c${i % 50},e${i % 3},${NOON + i},"q,${i}"`).join(
      '\r\n',
    )
    const text = `contact_id,event,ts,note\r\n${body}\r\n`
    const plain = await read(file('e.csv', text))
    const zipped = await read(file('e.csv.gz', gzipSync(text)))
    expect(zipped.rows.map((r) => ({ ...r, event: { ...r.event, id: '' } }))).toEqual(
      plain.rows.map((r) => ({ ...r, event: { ...r.event, id: '' } })),
    )
    expect(plain.rows).toHaveLength(3000)
    expect(plain.rows[2999]?.event.properties).toEqual({ note: 'q,2999' })
  })
})
