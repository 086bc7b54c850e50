import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IdIndex } from './id-index.js'
import { readAccounts } from './read-accounts.js'
import { readContacts } from './read-contacts.js'
import { readEventColumns } from './read-event-columns.js'
import { readEvents } from './read-events.js'
import { type RowIssue, rowIssue } from './row-issue.js'

const dir = mkdtempSync(join(tmpdir(), 'leadscore-row-issue-'))

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

type Reader = (path: string, onBadRow: (issue: RowIssue) => void) => AsyncIterable<unknown>

const READERS: Record<string, Reader> = {
  contacts: (path, onBadRow) => readContacts(path, { onBadRow }).batches(),
  accounts: (path, onBadRow) => readAccounts(path, { onBadRow }).batches(),
  events: (path, onBadRow) => readEvents(path, { onBadRow }).batches(),
  'event columns': (path, onBadRow) =>
    readEventColumns(path, { onBadRow, contactIndex: new IdIndex(16) }).batches(),
}

async function issuesOf(reader: Reader, path: string): Promise<RowIssue[]> {
  const issues: RowIssue[] = []
  for await (const _ of reader(path, (issue) => issues.push(issue))) {
    // the rows are not the point
  }
  return issues
}

const CONTACTS_CSV = ['contact_id,title', 'c1,vp,extra', ',cto', 'c3,"vp"x', 'c4,"open']
const CONTACTS_JSON = [
  '{"contact_id": "c1"',
  '[1, 2]',
  '{"title": "vp"}',
  '{"contact_id": [1]}',
  '{"contact_id": "c5", "properties": 3}',
]
const EVENTS_CSV = [
  'contact_id,event,timestamp',
  'c1,Demo,2024-03-01,x',
  ',Demo,2024-03-01',
  'c1,,2024-03-01',
  'c1,Demo,',
  'c1,Demo,03/01/2024',
]
const EVENTS_JSON = [
  '{"event": "Demo", "timestamp": "2024-03-01"}',
  '{"userId": true, "event": "Demo", "timestamp": "2024-03-01"}',
  '{"userId": "c1", "timestamp": "2024-03-01"}',
  '{"userId": "c1", "event": 3, "timestamp": "2024-03-01"}',
  '{"userId": "c1", "event": "Demo"}',
  '{"userId": "c1", "event": "Demo", "timestamp": "soon"}',
  '{"userId": "c1", "event": "Demo", "timestamp": "2024-03-01", "messageId": {}}',
]

describe('row issues', () => {
  it.each([
    ['contacts', 'contacts.csv', CONTACTS_CSV],
    ['contacts', 'contacts.ndjson', CONTACTS_JSON],
    ['accounts', 'accounts.csv', CONTACTS_CSV.map((l) => l.replace('contact_id', 'account_id'))],
    ['events', 'events.csv', EVENTS_CSV],
    ['events', 'events.ndjson', EVENTS_JSON],
    ['event columns', 'columns.csv', EVENTS_CSV],
    ['event columns', 'columns.ndjson', EVENTS_JSON],
  ])('%s (%s): every bad row has a code and the values of its message', async (reader, name, lines) => {
    const issues = await issuesOf(READERS[reader]!, file(name, lines))
    expect(issues.length).toBe(lines.length - (name.endsWith('.csv') ? 1 : 0))
    for (const issue of issues)
      expect({ problem: issue.problem, code: issue.code }).toEqual({
        problem: issue.problem,
        code: expect.any(String),
      })
  })

  it('says which message and with which values', async () => {
    const csv = await issuesOf(READERS['events']!, file('values.csv', EVENTS_CSV))
    expect(csv.map((i) => [i.code, i.params])).toEqual([
      ['column-count', { fields: 4, columns: 3 }],
      ['empty-id', { what: 'contact', column: 'contact_id' }],
      ['empty-event', { column: 'event' }],
      ['empty-time', { column: 'timestamp' }],
      ['bad-time', { value: '"03/01/2024"', column: 'timestamp' }],
    ])
    const json = await issuesOf(READERS['events']!, file('values.ndjson', EVENTS_JSON))
    expect(json.map((i) => [i.code, i.params])).toEqual([
      ['no-id', { what: 'contact', names: ['contact_id', 'user_id', 'userId'] }],
      ['bad-id', { what: 'contact', names: ['userId'], type: 'boolean' }],
      ['no-event', { names: ['event', 'type', 'name'] }],
      ['event-not-text', { names: ['event'], type: 'number' }],
      ['no-time', { names: ['timestamp', 'ts', 'time'] }],
      ['bad-time', { value: '"soon"', column: 'timestamp' }],
      ['bad-id', { what: 'event', names: ['messageId'], type: 'object' }],
    ])
    const quotes = await issuesOf(READERS['contacts']!, file('quotes.csv', CONTACTS_CSV))
    expect(quotes.slice(2).map((i) => [i.code, i.params])).toEqual([
      ['text-after-quote', { field: 2, column: 'title' }],
      ['unterminated-quote', { field: 2, column: 'title' }],
    ])
  })

  it('as JSON, with its code and values', () => {
    const issue = rowIssue('a.csv', 2, 'missing-time', 'empty time in column "ts"', 'write a time', 'ts')
    expect(JSON.parse(JSON.stringify(issue))).toEqual({
      file: 'a.csv',
      line: 2,
      kind: 'missing-time',
      field: 'ts',
      problem: 'empty time in column "ts"',
      hint: 'write a time',
      message: 'a.csv:2: empty time in column "ts"; write a time',
      code: 'empty-time',
      params: { column: 'ts' },
    })
  })

  it('a text it does not know has no code; a refused row keeps the reason', () => {
    expect(rowIssue('a.csv', 2, 'bad-id', 'something new', 'do this').code).toBeUndefined()
    expect(rowIssue('a.csv', 2, 'rejected', 'too big', 'fix it')).toMatchObject({
      code: 'rejected',
      params: { reason: 'too big' },
      message: 'a.csv:2: too big; fix it',
    })
    expect(
      rowIssue('a.csv', 2, 'rejected', 'too big', 'fix it', undefined, 'demasiado grande').params,
    ).toEqual({
      reason: 'demasiado grande',
    })
  })
})
