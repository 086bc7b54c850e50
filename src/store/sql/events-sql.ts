/**
 * Events in SQL: batch insert with duplicate detection, a contact's events, the snapshot stream.
 * @module
 */
import { StoreInputError } from '../errors.js'
import type {
  ContactEventsOptions,
  EventWrite,
  InsertEventsResult,
  StoredEvent,
  StreamEventsOptions,
} from '../records/event.js'
import * as v from '../validate.js'
import type { Executor, RootExecutor, SqlValue } from './executor.js'
import { EVENT_COLUMNS, eventFromRow } from './rows.js'

const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`

/** Validates a batch; the first occurrence of each id, as rows (in input order). */
function eventRows(events: readonly EventWrite[]): Map<string, SqlValue[]> {
  if (!Array.isArray(events)) throw new StoreInputError('events', v.AN_ARRAY)
  const rows = new Map<string, SqlValue[]>()
  events.forEach((e, i) => {
    const f = `events[${i}]`
    if (e === null || typeof e !== 'object') throw new StoreInputError(f, v.AN_OBJECT)
    const id = v.text(e.id, `${f}.id`)
    const contactId = v.nullableText(e.contactId, `${f}.contactId`)
    const anonymousId = v.nullableText(e.anonymousId, `${f}.anonymousId`)
    if (contactId === null && anonymousId === null) throw new StoreInputError(f, { key: 'store.needsId' })
    const row = [
      id,
      contactId,
      anonymousId,
      v.text(e.name, `${f}.name`),
      v.time(e.ts, `${f}.ts`),
      v.time(e.receivedAt, `${f}.receivedAt`),
      v.json(v.properties(e.properties, `${f}.properties`), `${f}.properties`),
    ]
    if (!rows.has(id)) rows.set(id, row)
  })
  return rows
}

export async function insertEvents(
  exec: Executor,
  events: readonly EventWrite[],
): Promise<InsertEventsResult> {
  const rows = eventRows(events)
  if (rows.size === 0) return { inserted: [], duplicates: [] }
  // one order for every writer, so concurrent batches sharing ids wait for each other instead of deadlocking
  const sorted = [...rows.values()].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1))
  const returned = await exec.insertMany<{ id: string }>(
    'events',
    EVENT_COLUMNS,
    sorted,
    'ON CONFLICT (id) DO NOTHING RETURNING id',
  )
  const stored = new Set(returned.map((r) => r.id))
  const inserted: string[] = []
  const duplicates: string[] = []
  for (const e of events) {
    if (stored.delete(e.id)) inserted.push(e.id)
    else duplicates.push(e.id)
  }
  return { inserted, duplicates }
}

export async function contactEvents(
  exec: Executor,
  contactId: string,
  options: ContactEventsOptions = {},
): Promise<StoredEvent[]> {
  const id = v.text(contactId, 'contactId')
  const range: string[] = []
  const rangeParams: SqlValue[] = []
  if (options.from !== undefined) {
    range.push('AND ts >= ?')
    rangeParams.push(v.time(options.from, 'from'))
  }
  if (options.to !== undefined) {
    range.push('AND ts <= ?')
    rangeParams.push(v.time(options.to, 'to'))
  }
  const r = range.join(' ')
  const rows = await exec.all(
    `${SELECT_EVENT} WHERE contact_id = ? ${r}
     UNION ALL
     ${SELECT_EVENT} WHERE contact_id IS NULL ${r}
       AND anonymous_id IN (SELECT anonymous_id FROM aliases WHERE contact_id = ?)
     ORDER BY ts, id`,
    [id, ...rangeParams, ...rangeParams, id],
  )
  return rows.map(eventFromRow)
}

export async function* streamEvents(
  root: RootExecutor,
  options: StreamEventsOptions = {},
): AsyncGenerator<StoredEvent[], void, undefined> {
  const pageSize = v.positiveInteger(options.pageSize ?? 10_000, 'pageSize')
  const snapshot = await root.openSnapshot()
  try {
    // the snapshot hides later commits; the high-water mark also bounds a stream without one
    const [top] = await snapshot.all<{ top: number | null }>('SELECT max(seq) AS top FROM events')
    const last = Number(top?.top ?? 0)
    let after = 0
    while (after < last) {
      const rows = await snapshot.all(
        `SELECT seq, ${EVENT_COLUMNS.join(', ')} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
        [after, last, pageSize],
      )
      if (rows.length === 0) return
      yield rows.map(eventFromRow)
      after = Number(rows.at(-1)!['seq'])
    }
  } finally {
    await snapshot.close()
  }
}
