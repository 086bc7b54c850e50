/**
 * CSV text for generated data sets (pure: strings in, strings out; the caller writes them).
 * Files: contacts (`contact_id` then the properties), accounts (`account_id` then the
 * properties), events (`event_id, contact_id, event, timestamp` then one column per event
 * property). Empty cells are missing values; timestamps are ISO-8601 UTC, whole seconds.
 * @module
 */

import { DAY_MS } from '../core/input.js'
import { EVENT_NAMES, EVENT_PROPERTIES, type EventColumns } from './event-columns.js'
import {
  ACCOUNT_PROPERTIES,
  CONTACT_PROPERTIES,
  type Dataset,
  type DemoAccount,
  type DemoContact,
  type DemoEvent,
  type PropertyValue,
} from './generate.js'

/** The columns of contacts.csv (`converted` only when the data set carries the outcome). */
export function contactColumns(outcome: boolean): string[] {
  return ['contact_id', ...CONTACT_PROPERTIES.filter((c) => outcome || c !== 'converted')]
}

export const ACCOUNT_COLUMNS: readonly string[] = ['account_id', ...ACCOUNT_PROPERTIES]
export const EVENT_COLUMNS: readonly string[] = [
  'event_id',
  'contact_id',
  'event',
  'timestamp',
  ...EVENT_PROPERTIES,
]

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge whitespace. */
export function csvField(value: PropertyValue | null | undefined): string {
  if (value === undefined || value === null) return ''
  const text = String(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A header line. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map(csvField).join(',')}\n`
}

/** One line of contacts.csv for `columns` (from {@link contactColumns}). */
export function contactLine(contact: DemoContact, columns: readonly string[]): string {
  let line = csvField(contact.id)
  for (let c = 1; c < columns.length; c++) line += `,${csvField(contact.properties[columns[c]!])}`
  return `${line}\n`
}

/** One line of accounts.csv. */
export function accountLine(account: DemoAccount): string {
  let line = csvField(account.id)
  for (const column of ACCOUNT_PROPERTIES) line += `,${csvField(account.properties[column])}`
  return `${line}\n`
}

/** One line of events.csv for an event object (the slow, general path; see {@link writeEventRows}). */
export function eventLine(event: DemoEvent, iso: IsoWriter = new IsoWriter()): string {
  const time = new ByteBuffer(32)
  iso.write(time, event.ts)
  let line = `${csvField(event.id)},${csvField(event.contactId)},${csvField(event.name)},${new TextDecoder().decode(time.take())}`
  for (const column of EVENT_PROPERTIES) {
    const value = event.properties[column]
    line += `,${csvField(typeof value === 'string' || typeof value === 'number' ? value : undefined)}`
  }
  return `${line}\n`
}

/**
 * A growable byte buffer for writing CSV fast: ASCII text is copied byte by byte (no string
 * concatenation, no garbage), anything else goes through UTF-8 encoding.
 */
export class ByteBuffer {
  bytes: Uint8Array
  length = 0
  static readonly #encoder = new TextEncoder()

  constructor(capacity = 1 << 20) {
    this.bytes = new Uint8Array(capacity)
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n
    if (need <= this.bytes.length) return
    let size = this.bytes.length * 2
    while (size < need) size *= 2
    const next = new Uint8Array(size)
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  byte(code: number): void {
    if (this.length === this.bytes.length) this.reserve(1)
    this.bytes[this.length++] = code
  }

  /** Writes a string as UTF-8 (ASCII fast path). */
  text(value: string): void {
    const n = value.length
    this.reserve(n)
    const bytes = this.bytes
    let at = this.length
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i)
      if (c > 0x7f) {
        this.length = at
        this.#utf8(value.slice(i))
        return
      }
      bytes[at++] = c
    }
    this.length = at
  }

  /** Writes a non-negative integer in decimal. */
  uint(value: number): void {
    if (value < 10) {
      this.byte(48 + value)
      return
    }
    this.text(String(value))
  }

  /** The bytes written so far, copied (the buffer itself is reused). */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length)
    this.length = 0
    return out
  }

  #utf8(value: string): void {
    this.reserve(value.length * 3)
    this.length += ByteBuffer.#encoder.encodeInto(value, this.bytes.subarray(this.length)).written
  }
}

/**
 * Writes epoch milliseconds as `2026-10-31T14:03:22Z` (whole seconds). The date part is
 * cached per day (events grouped by contact jump between days all the time).
 */
export class IsoWriter {
  readonly #days = new Map<number, string>()

  write(out: ByteBuffer, ts: number): void {
    const day = Math.floor(ts / DAY_MS)
    let prefix = this.#days.get(day)
    if (prefix === undefined) {
      prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
      if (this.#days.size > 100_000) this.#days.clear()
      this.#days.set(day, prefix)
    }
    out.text(prefix)
    let seconds = Math.floor((ts - day * DAY_MS) / 1000)
    const h = Math.floor(seconds / 3600)
    seconds -= h * 3600
    const m = Math.floor(seconds / 60)
    seconds -= m * 60
    out.reserve(9)
    const b = out.bytes
    let at = out.length
    b[at++] = 48 + Math.floor(h / 10)
    b[at++] = 48 + (h % 10)
    b[at++] = 58 // :
    b[at++] = 48 + Math.floor(m / 10)
    b[at++] = 48 + (m % 10)
    b[at++] = 58
    b[at++] = 48 + Math.floor(seconds / 10)
    b[at++] = 48 + (seconds % 10)
    b[at++] = 90 // Z
    out.length = at
  }
}

const COMMA = 44
const NEWLINE = 10

/**
 * Appends the events.csv lines of one batch to `out` (columns {@link EVENT_COLUMNS}).
 * `eventIdPrefix(contactIndex)` gives an event id without its sequence number (see
 * `Dataset.eventIdPrefix`).
 *
 * Fast path: ids, names and the generator's property values come from fixed vocabularies
 * with no character that needs quoting (a test checks this), so they are written as they are.
 */
export function writeEventRows(
  out: ByteBuffer,
  batch: EventColumns,
  eventIdPrefix: (contactIndex: number) => string,
  iso: IsoWriter = new IsoWriter(),
): void {
  let lastContact = -1
  let prefix = ''
  let contactId = ''
  const field = (value: string | undefined): void => {
    if (value !== undefined) out.text(value)
    out.byte(COMMA)
  }
  for (let j = 0; j < batch.length; j++) {
    const ci = batch.contactIndex[j]!
    if (ci !== lastContact) {
      lastContact = ci
      prefix = eventIdPrefix(ci)
      contactId = batch.contactId[j]!
    }
    out.text(prefix)
    out.uint(batch.seq[j]!)
    out.byte(COMMA)
    out.text(contactId)
    out.byte(COMMA)
    out.text(EVENT_NAMES[batch.type[j]!]!)
    out.byte(COMMA)
    iso.write(out, batch.ts[j]!)
    out.byte(COMMA)
    field(batch.path[j])
    field(batch.emailId[j])
    field(batch.campaignId[j])
    field(batch.linkId[j])
    field(batch.formId[j])
    field(batch.contentId[j])
    field(batch.webinarId[j])
    field(batch.videoId[j])
    const percent = batch.percent[j]!
    if (percent >= 0) out.uint(percent)
    out.byte(COMMA)
    const plan = batch.plan[j]
    if (plan !== undefined) out.text(plan)
    out.byte(NEWLINE)
  }
}

// ---------------------------------------------------------------------------------------------
// Whole files, for small data sets (everything in memory)

/** contacts.csv of a data set, as one string. */
export function contactsCsv(dataset: Dataset): string {
  const columns = contactColumns(dataset.options.outcome)
  let out = csvHeader(columns)
  for (const contact of dataset.contacts()) out += contactLine(contact, columns)
  return out
}

/** accounts.csv of a data set, as one string. */
export function accountsCsv(dataset: Dataset): string {
  let out = csvHeader(ACCOUNT_COLUMNS)
  for (const account of dataset.accounts()) out += accountLine(account)
  return out
}

/**
 * events.csv of a data set, as one string: grouped by contact (the generator's order), or in
 * time order like an export from an analytics tool (ties broken by event id).
 */
export function eventsCsv(dataset: Dataset, order: 'contact' | 'time' = 'contact'): string {
  if (order === 'contact') {
    const out = new ByteBuffer()
    const iso = new IsoWriter()
    out.text(csvHeader(EVENT_COLUMNS))
    for (const batch of dataset.eventBatches()) writeEventRows(out, batch, dataset.eventIdPrefix, iso)
    return new TextDecoder().decode(out.take())
  }
  const events = [...dataset.events()]
  events.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const iso = new IsoWriter()
  let out = csvHeader(EVENT_COLUMNS)
  for (const event of events) out += eventLine(event, iso)
  return out
}
