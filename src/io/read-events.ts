/**
 * Reading an events file.
 * @module
 */
import { basename } from 'node:path'
import type { ContactEvent, Properties } from '../core/input.js'
import { type ColumnRole, orList, pickColumn, pickKey } from './columns.js'
import { csvField } from './csv-tokenizer.js'
import type { IdIndex } from './id-index.js'
import { idValue } from './id-value.js'
import { parseTimestamp, parseTimestampAt } from './parse-timestamp.js'
import { csvProperties, jsonProperties, member } from './properties.js'
import {
  type BadRow,
  createRowSource,
  keptProperties,
  type ReadOptions,
  type RowSource,
} from './row-source.js'

/** One event and the contact it belongs to. */
export interface EventRow {
  readonly contactId: string
  /** The index of `contactId` in the `contactIndex` option's {@link IdIndex}, or -1 without one. */
  readonly contactIndex: number
  readonly event: ContactEvent
  /** The 1-based line the row starts on. */
  readonly line: number
}

/** Options of {@link readEvents}: each column option replaces the default names of that column. */
export interface ReadEventsOptions extends ReadOptions {
  /** The contact id column (default `contact_id`, `user_id`, `userId`). */
  readonly contactIdColumn?: string
  /** The event id column (default `event_id`, `message_id`, `messageId`, `id`). */
  readonly eventIdColumn?: string
  /** The event name column (default `event`, `type`, `name`). */
  readonly eventColumn?: string
  /** The time column (default `timestamp`, `ts`, `time`). */
  readonly timeColumn?: string
  /**
   * Gives each row the index of its contact here (`contactIndex`); contact ids it does not
   * hold yet are added. Fill it with `readContacts(path, { index })` first to join events to
   * contacts by index.
   */
  readonly contactIndex?: IdIndex
}

/** The columns of an events file: what they are, the names tried, the option naming them. */
export const CONTACT: ColumnRole = {
  what: 'contact id',
  names: ['contact_id', 'user_id', 'userId'],
  option: 'contactIdColumn',
}
export const EVENT_ID: ColumnRole = {
  what: 'event id',
  names: ['event_id', 'message_id', 'messageId', 'id'],
  option: 'eventIdColumn',
}
export const NAME: ColumnRole = {
  what: 'event name',
  names: ['event', 'type', 'name'],
  option: 'eventColumn',
}
export const TIME: ColumnRole = { what: 'time', names: ['timestamp', 'ts', 'time'], option: 'timeColumn' }

export const TIME_HINT = 'write it as ISO-8601 (2024-03-01T12:00:00Z) or epoch milliseconds (1709294400000)'

/**
 * Streams the events of a CSV or NDJSON file (optionally `.gz`).
 *
 * Columns (first name found, or the one named in the options):
 * - contact id: `contact_id`, `user_id`, `userId` (required);
 * - event name: `event`, `type`, `name` (required);
 * - time: `timestamp`, `ts`, `time` (required): ISO-8601 or epoch milliseconds, see `parseTimestamp`;
 * - event id: `event_id`, `message_id`, `messageId`, `id` (optional). When the column is
 *   absent or the cell empty, the id is `<file name>:<line>` (e.g. `events.csv:17`), so
 *   reading the same file twice gives the same ids;
 * - every other column is an event property (empty CSV cells absent, canonical numbers
 *   as numbers; NDJSON values as they are, with a nested `properties` object merged in).
 *
 * NDJSON picks the columns per object: the first name with a non-null value.
 *
 * Bad rows (wrong field count, no contact id, no name, no or unreadable time, bad JSON)
 * are skipped and counted, or thrown in strict mode (see {@link ReadOptions}).
 *
 * @example
 * const events = readEvents('events.csv.gz', { onBadRow: (issue) => console.warn(issue.message) })
 * for await (const rows of events.batches()) for (const { contactId, event } of rows) add(contactId, event)
 * console.log(`${events.stats.rows} events, ${events.stats.badRows} skipped`)
 * @throws {InputFileError} while iterating, when the file is missing, of an unknown type, or lacks a required column.
 */
export function readEvents(path: string, options: ReadEventsOptions = {}): RowSource<EventRow> {
  const idPrefix = `${basename(path)}:`
  const keep = keptProperties(options)
  const index = options.contactIndex
  const finish = index === undefined ? undefined : contactIndexer(index)
  return createRowSource<EventRow>(path, options, (bad) => ({
    ...(finish === undefined ? {} : { finish }),
    csv(header, headerLine) {
      const contactIndex = pickColumn(path, headerLine, header, CONTACT, options.contactIdColumn, true)
      const nameIndex = pickColumn(path, headerLine, header, NAME, options.eventColumn, true)
      const timeIndex = pickColumn(path, headerLine, header, TIME, options.timeColumn, true)
      const idIndex = pickColumn(path, headerLine, header, EVENT_ID, options.eventIdColumn, false)
      const contactName = header[contactIndex]!
      const nameName = header[nameIndex]!
      const timeName = header[timeIndex]!
      const width = header.length
      const properties = csvProperties(header, [contactIndex, nameIndex, timeIndex, idIndex], keep)
      return (record, line) => {
        if (record.count !== width) {
          return bad(
            line,
            'column-count',
            `${record.count} fields where the header has ${width} columns`,
            'quote fields that contain commas, and give every column a value (or an empty cell)',
          )
        }
        const { text, starts, ends } = record
        const contactId = text.slice(starts[contactIndex], ends[contactIndex])
        if (contactId === '') {
          return bad(
            line,
            'missing-id',
            `empty contact id in column "${contactName}"`,
            'fill it in or remove the row',
            contactName,
          )
        }
        const name = text.slice(starts[nameIndex], ends[nameIndex])
        if (name === '') {
          return bad(
            line,
            'missing-event',
            `empty event name in column "${nameName}"`,
            'fill it in or remove the row',
            nameName,
          )
        }
        const timeStart = starts[timeIndex]!
        const timeEnd = ends[timeIndex]!
        if (timeStart === timeEnd) {
          return bad(line, 'missing-time', `empty time in column "${timeName}"`, TIME_HINT, timeName)
        }
        const ts = parseTimestampAt(text, timeStart, timeEnd)
        if (ts === undefined) {
          const time = JSON.stringify(csvField(record, timeIndex))
          return bad(
            line,
            'bad-time',
            `cannot read time ${time} in column "${timeName}"`,
            TIME_HINT,
            timeName,
          )
        }
        const given = idIndex < 0 ? '' : text.slice(starts[idIndex], ends[idIndex])
        const id = given === '' ? idPrefix + line : given
        return { contactId, contactIndex: -1, event: { id, name, ts, properties: properties(record) }, line }
      }
    },
    json(value, line) {
      return jsonEvent(value, line, options, idPrefix, keep, bad)
    },
  }))
}

function jsonEvent(
  value: Record<string, unknown>,
  line: number,
  options: ReadEventsOptions,
  idPrefix: string,
  keep: ReadonlySet<string> | undefined,
  bad: BadRow,
): EventRow | undefined {
  const parts = jsonEventParts(value, line, options, keep, bad)
  if (parts === undefined) return undefined
  const { contactId, name, ts, id, properties } = parts
  return { contactId, contactIndex: -1, event: { id: id ?? idPrefix + line, name, ts, properties }, line }
}

/** What an NDJSON object holds as an event: `id` is undefined when the id is to be derived. */
export interface JsonEventParts {
  readonly contactId: string
  readonly name: string
  readonly ts: number
  readonly id: string | undefined
  readonly properties: Properties
}

/** Reads an NDJSON object as an event, or reports it bad (and returns undefined). */
export function jsonEventParts(
  value: Record<string, unknown>,
  line: number,
  options: {
    readonly contactIdColumn?: string | undefined
    readonly eventIdColumn?: string | undefined
    readonly eventColumn?: string | undefined
    readonly timeColumn?: string | undefined
  },
  keep: ReadonlySet<string> | undefined,
  bad: BadRow,
): JsonEventParts | undefined {
  const contactKey = pickKey(value, CONTACT.names, options.contactIdColumn)
  const contactId = idValue(member(value, contactKey))
  if (typeof contactId !== 'string') {
    const where = contactKey === undefined ? orList(CONTACT.names) : `"${contactKey}"`
    return 'missing' in contactId
      ? bad(
          line,
          'missing-id',
          `no contact id (${where})`,
          'give each event the id of its contact',
          contactKey,
        )
      : bad(
          line,
          'bad-id',
          `the contact id ${where} is ${contactId.wrong}`,
          'make the id a string or a number',
          contactKey,
        )
  }
  const nameKey = pickKey(value, NAME.names, options.eventColumn)
  const name = member(value, nameKey)
  if (typeof name !== 'string' || name === '') {
    const where = nameKey === undefined ? orList(NAME.names) : `"${nameKey}"`
    const problem =
      name === undefined || name === null || name === ''
        ? `no event name (${where})`
        : `the event name ${where} is ${typeof name}, not a string`
    return bad(line, 'missing-event', problem, 'give each event a name', nameKey)
  }
  const timeKey = pickKey(value, TIME.names, options.timeColumn)
  const time = member(value, timeKey)
  if (time === undefined || time === null || time === '') {
    const where = timeKey === undefined ? orList(TIME.names) : `"${timeKey}"`
    return bad(line, 'missing-time', `no time (${where})`, TIME_HINT, timeKey)
  }
  const ts = parseTimestamp(time)
  if (ts === undefined) {
    return bad(
      line,
      'bad-time',
      `cannot read time ${JSON.stringify(time)} in "${timeKey}"`,
      TIME_HINT,
      timeKey,
    )
  }
  const idKey = pickKey(value, EVENT_ID.names, options.eventIdColumn)
  const given = idValue(member(value, idKey))
  if (typeof given !== 'string' && 'wrong' in given) {
    return bad(
      line,
      'bad-id',
      `the event id "${idKey}" is ${given.wrong}`,
      'make the id a string or a number',
      idKey,
    )
  }
  const id = typeof given === 'string' ? given : undefined
  const properties = jsonProperties(value, [contactKey, nameKey, timeKey, idKey], keep, line, bad)
  if (properties === undefined) return undefined
  return { contactId, name, ts, id, properties }
}

/** Sets the `contactIndex` of a batch of rows, and shares the index's copy of each contact id. */
function contactIndexer(index: IdIndex): (rows: EventRow[]) => void {
  let ids: string[] = []
  let out = new Int32Array(0)
  return (rows) => {
    if (out.length < rows.length) {
      ids = new Array<string>(rows.length)
      out = new Int32Array(rows.length)
    }
    for (let k = 0; k < rows.length; k++) ids[k] = rows[k]!.contactId
    index.indexAll(ids, out, rows.length)
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k] as { contactId: string; contactIndex: number }
      row.contactIndex = out[k]!
      row.contactId = index.id(out[k]!)!
    }
  }
}
