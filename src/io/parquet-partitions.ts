/**
 * Parquet inputs of a bulk scoring, read in partitions of contacts so that memory stays
 * bounded however many events there are.
 *
 * A contact's score needs only its own events, and an account's only its contacts: the
 * contacts are split into `partitions` parts by a hash of their account key (of their own id
 * when they have none), and each part is read with its events as the columns the bulk
 * scorer takes (`ContactColumns`, `EventColumns`). DuckDB (`@duckdb/node-api`, loaded when
 * first used) reads the files: it joins the events to the part's contacts and numbers the
 * event names and property values against dictionaries built once for the whole file, so
 * the rows come to JavaScript as typed arrays (no string per event but its id, which is
 * hashed as `leadscore score` hashes it).
 *
 * Values keep the file's types: numbers are numbers (integers and decimals as doubles),
 * text is text, booleans are booleans, timestamps become ISO-8601 text. A CSV file (the
 * contacts or accounts may be CSV) is read as `leadscore score` reads it: every cell as text,
 * canonical numbers as numbers (`cellValue`), empty cells absent. Event times may be
 * timestamps, epoch milliseconds or ISO-8601 text (without an offset: UTC).
 * @module
 */
import { existsSync, rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api'
import {
  type ContactColumns,
  type EventColumns,
  EventColumnsBuilder,
  type PropertyColumn,
} from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'
import { contactProperties, eventProperties } from '../core/fields.js'
import { idHash } from '../core/id-hash.js'
import type { Properties } from '../core/input.js'
import { fileView, loadDuckDb } from '../sql/engines/duckdb.js'
import { finishIdHash } from './bytes.js'
import { cellValue } from './cell-value.js'
import type { ColumnRole } from './columns.js'
import { InputFileError } from './input-file-error.js'
import { ACCOUNT_ID_COLUMNS } from './read-accounts.js'
import { CONTACT_ID_COLUMNS } from './read-contacts.js'
import { CONTACT, EVENT_ID, NAME, TIME } from './read-events.js'

/** The files, and the columns named explicitly (else the names `leadscore score` tries). */
export interface ParquetFiles {
  readonly contacts: string
  readonly events?: string | undefined
  readonly accounts?: string | undefined
  readonly idColumn?: string | undefined
}

export interface ParquetPartitionOptions {
  /** Events per part at most, on average (default 8,000,000: about 0.8 GB while scored). */
  readonly eventsPerPartition?: number
  /** The number of parts, instead of one per `eventsPerPartition` events. */
  readonly partitions?: number
  /** DuckDB's own memory limit (default `1GB`); it spills to `tempDirectory` beyond it. */
  readonly memoryLimit?: string
  readonly tempDirectory?: string
  /** DuckDB's threads (default: the cores). */
  readonly threads?: number
}

/** One part: its contacts, their events, their accounts' properties by account id. */
export interface ParquetPartition {
  readonly contacts: ContactColumns
  readonly events: EventColumns
  readonly accounts: ReadonlyMap<string, Properties>
}

/** Counts over the whole input, known once it is opened. */
export interface ParquetInputStats {
  readonly contacts: number
  readonly events: number
  /** Contact rows with the id of an earlier row (the first wins), or without an id. */
  readonly duplicateContacts: number
  /** Events left out: no time or no name. */
  readonly badEvents: number
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`
const isCsv = (path: string) => !/\.(parquet|pq)$/i.test(path)

/** How a column of a given DuckDB type is read into a property value (SQL over `column`). */
function valueSql(column: string, type: string): string {
  const t = type.toUpperCase()
  if (t === 'BOOLEAN' || t === 'DOUBLE' || t === 'VARCHAR') return column
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DECIMAL)/.test(
      t,
    )
  )
    return `CAST(${column} AS DOUBLE)`
  if (/^TIMESTAMP/.test(t)) return `strftime(CAST(${column} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')`
  if (t === 'DATE') return `strftime(${column}, '%Y-%m-%d')`
  return `CAST(${column} AS VARCHAR)`
}

/** Event time in epoch ms (NULL when unreadable) from a column of a given type. */
function timeSql(column: string, type: string): string {
  const t = type.toUpperCase()
  // epoch_ms of the timestamp itself: a cast of TIMESTAMPTZ to TIMESTAMP first costs ten times more
  if (/^TIMESTAMP/.test(t)) return `CAST(epoch_ms(${column}) AS DOUBLE)`
  if (t === 'DATE') return `CAST(epoch_ms(CAST(${column} AS TIMESTAMP)) AS DOUBLE)`
  if (t === 'VARCHAR')
    return `CASE WHEN regexp_full_match(trim(${column}), '-?[0-9]+') THEN TRY_CAST(trim(${column}) AS DOUBLE) ELSE CAST(epoch_ms(TRY_CAST(trim(${column}) AS TIMESTAMPTZ)) AS DOUBLE) END`
  return `CAST(${column} AS DOUBLE)`
}

/** The column playing `role`: the explicit one, else the first of its names present. */
function pick(
  file: string,
  columns: ReadonlyMap<string, string>,
  role: ColumnRole,
  explicit: string | undefined,
): string | undefined {
  const list = () => [...columns.keys()].map((c) => `"${c}"`).join(', ')
  if (explicit !== undefined) {
    if (!columns.has(explicit))
      throw new InputFileError(
        file,
        undefined,
        `no column "${explicit}"`,
        `the file has ${list()}; give one of them`,
      )
    return explicit
  }
  return role.names.find((name) => columns.has(name))
}

function required(
  file: string,
  columns: ReadonlyMap<string, string>,
  role: ColumnRole,
  explicit?: string,
): string {
  const column = pick(file, columns, role, explicit)
  if (column === undefined) {
    const names = [...columns.keys()].map((c) => `"${c}"`).join(', ')
    throw new InputFileError(
      file,
      undefined,
      `no ${role.what} column`,
      `name it ${role.names.map((n) => `"${n}"`).join(' or ')} (the file has ${names})`,
    )
  }
  return column
}

/** A dictionary: the values in code order, and how a CSV cell becomes one. */
interface Dictionary {
  readonly table: string
  readonly values: unknown[]
}

/**
 * Opens the files: reads their columns and sizes, builds the event dictionaries (one pass
 * over the events per property the model reads) and chooses the number of parts.
 */
export async function openParquetInputs(
  model: CompiledModel,
  files: ParquetFiles,
  options: ParquetPartitionOptions = {},
): Promise<ParquetInputs> {
  const duckdb = await loadDuckDb()
  const instance = await duckdb.DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit ?? '1GB',
    preserve_insertion_order: 'false',
    ...(options.tempDirectory ? { temp_directory: options.tempDirectory } : {}),
    ...(options.threads ? { threads: String(options.threads) } : {}),
  })
  const connection = await instance.connect()
  try {
    const inputs = new ParquetInputs(instance, connection, model, files)
    await inputs.open(options)
    return inputs
  } catch (error) {
    connection.closeSync()
    instance.closeSync()
    throw error
  }
}

/** The opened inputs; {@link ParquetInputs.read} gives each part. Close when done. */
export class ParquetInputs {
  partitions = 1
  stats: ParquetInputStats = { contacts: 0, events: 0, duplicateContacts: 0, badEvents: 0 }
  #contactColumns: string[] = []
  #accountColumns: string[] = []
  #eventProps: { name: string; dictionary: Dictionary; csv: boolean }[] = []
  #names: Dictionary = { table: 'ls_names', values: [] }
  #hasEvents = false
  #derivedIds: string | undefined
  /** Event ids are read as this many pieces of 12 characters (see {@link IdPieces}). */
  #idPieces = 0
  /** With more than one part: the folder of the parts' coded events (`part=<p>/*.parquet`). */
  #folder: string | undefined
  #partKey = ''

  readonly instance: DuckDBInstance
  readonly connection: DuckDBConnection
  readonly model: CompiledModel
  readonly files: ParquetFiles

  constructor(
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    model: CompiledModel,
    files: ParquetFiles,
  ) {
    this.instance = instance
    this.connection = connection
    this.model = model
    this.files = files
  }

  async #columns(relation: string): Promise<Map<string, string>> {
    const rows = (await this.connection.runAndReadAll(`DESCRIBE ${relation}`)).getRowObjectsJS()
    return new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]))
  }

  async #one(sql: string): Promise<number> {
    return Number((await this.connection.runAndReadAll(sql)).getRowsJS()[0]![0])
  }

  async open(options: ParquetPartitionOptions): Promise<void> {
    const { files, model, connection } = this
    const needed = contactProperties(model.document)
    const key = model.accounts?.key ?? 'account_id'
    await connection.run("SET TimeZone = 'UTC'")
    const view = (path: string) => {
      const base = fileView(path)
      return isCsv(path) ? base : base.replace(/\)$/, ', file_row_number = true)')
    }
    await connection.run(`CREATE VIEW ls_contacts_file AS ${view(files.contacts)}`)
    const contactCols = await this.#columns('ls_contacts_file')
    const id = required(
      files.contacts,
      contactCols,
      { ...CONTACT, names: CONTACT_ID_COLUMNS, option: 'idColumn' },
      files.idColumn,
    )
    const csvContacts = isCsv(files.contacts)
    const order = csvContacts ? '' : 'ORDER BY file_row_number'
    this.#contactColumns = [...needed.contact].filter((c) => c !== id && contactCols.has(c))
    const hasKey = contactCols.has(key)
    this.#partKey = hasKey ? `coalesce(CAST(${ident(key)} AS VARCHAR), id)` : 'id'
    // every contact once (the first row of an id), numbered in file order
    await connection.run(`CREATE TEMP TABLE ls_contacts AS
      SELECT * FROM (
        SELECT row_number() OVER (${order}) - 1 AS ls_row, CAST(${ident(id)} AS VARCHAR) AS id,
               ${this.#contactColumns.map((c) => `${this.#cell(valueSql(ident(c), contactCols.get(c)!), csvContacts)} AS ${ident(c)}`).join(', ') || 'NULL AS ls_none'}
               ${hasKey && !this.#contactColumns.includes(key) ? `, CAST(${ident(key)} AS VARCHAR) AS ${ident(key)}` : ''}
        FROM ls_contacts_file WHERE ${ident(id)} IS NOT NULL)
      QUALIFY row_number() OVER (PARTITION BY id ORDER BY ls_row) = 1`)
    const rows = await this.#one('SELECT count(*) FROM ls_contacts_file')
    const contacts = await this.#one('SELECT count(*) FROM ls_contacts')

    if (files.accounts) {
      await connection.run(`CREATE VIEW ls_accounts_file AS ${fileView(files.accounts)}`)
      const accountCols = await this.#columns('ls_accounts_file')
      const accountId = required(files.accounts, accountCols, {
        what: 'account id',
        names: ACCOUNT_ID_COLUMNS,
        option: 'accounts id',
      })
      const csv = isCsv(files.accounts)
      this.#accountColumns = [...needed.account].filter((c) => c !== accountId && accountCols.has(c))
      await connection.run(`CREATE TEMP TABLE ls_accounts AS
        SELECT CAST(${ident(accountId)} AS VARCHAR) AS account_id
               ${this.#accountColumns.map((c) => `, ${this.#cell(valueSql(ident(c), accountCols.get(c)!), csv)} AS ${ident(`a.${c}`)}`).join('')}
        FROM ls_accounts_file WHERE ${ident(accountId)} IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY ${ident(accountId)}) = 1`)
    }

    let events = 0
    let bad = 0
    if (files.events) {
      this.#hasEvents = true
      if (isCsv(files.events))
        throw new InputFileError(
          files.events,
          undefined,
          'not a Parquet file',
          'give a .parquet events file, or score CSV without --engine',
        )
      await connection.run(`CREATE VIEW ls_events_file AS ${view(files.events)}`)
      const cols = await this.#columns('ls_events_file')
      const contact = required(files.events, cols, CONTACT)
      const name = required(files.events, cols, NAME)
      const time = required(files.events, cols, TIME)
      const eventId = pick(files.events, cols, EVENT_ID, undefined)
      this.#derivedIds = eventId === undefined ? `${basename(files.events)}:` : undefined
      const props = [...eventProperties(model.document)].filter(
        (p) => cols.has(p) && ![contact, name, time].includes(p),
      )
      await connection.run(`CREATE VIEW ls_events AS
        SELECT CAST(${ident(contact)} AS VARCHAR) AS contact, ${timeSql(ident(time), cols.get(time)!)} AS ts,
               CAST(${ident(name)} AS VARCHAR) AS name,
               ${eventId === undefined ? 'CAST(file_row_number + 2 AS VARCHAR)' : `CAST(${ident(eventId)} AS VARCHAR)`} AS event_id
               ${props.map((p, i) => `, ${valueSql(ident(p), cols.get(p)!)} AS p${i}`).join('')}
        FROM ls_events_file`)
      const counts = (
        await connection.runAndReadAll(
          'SELECT count(*), count(*) FILTER (WHERE ts IS NOT NULL AND name IS NOT NULL), max(strlen(event_id)) FROM ls_events',
        )
      ).getRowsJS()[0]!
      events = Number(counts[1])
      bad = Number(counts[0]) - events
      this.#idPieces = Math.ceil(Number(counts[2] ?? 0) / 12)
      this.#names = await this.#dictionary('ls_names', 'name', false)
      this.#eventProps = []
      for (const [i, p] of props.entries()) {
        this.#eventProps.push({
          name: p,
          dictionary: await this.#dictionary(`ls_p${i}`, `p${i}`, false),
          csv: false,
        })
      }
    }
    this.stats = { contacts, events, duplicateContacts: rows - contacts, badEvents: bad }
    const per = Math.max(1, options.eventsPerPartition ?? 8_000_000)
    this.partitions = Math.max(1, Math.floor(options.partitions ?? Math.ceil(events / per)))
    await connection.run(
      `CREATE TEMP TABLE ls_parts AS SELECT ls_row, CAST(hash(${this.#partKey}) % ${this.partitions} AS INTEGER) AS part FROM ls_contacts`,
    )
    if (this.#hasEvents && this.partitions > 1) {
      // one pass over the events: each part's coded events into a file of its own
      this.#folder = await mkdtemp(join(options.tempDirectory ?? tmpdir(), 'leadscore-parts-'))
      await connection.run(`COPY (SELECT p.part, x.* FROM (${this.#codedEvents()}) x JOIN ls_parts p USING (ls_row))
        TO ${quote(this.#folder)} (FORMAT parquet, PARTITION_BY (part))`)
    }
  }

  /**
   * Every event with a time, coded: its contact's row (`ls_row`), time, name code, property
   * codes (`c0`..), and its id as {@link IdPieces} selects it.
   */
  #codedEvents(): string {
    const props = this.#eventProps
    return `SELECT c.ls_row, e.ts, n.code AS name${props.map((_, i) => `, d${i}.code AS c${i}`).join('')}, ${this.#pieces().sql('e.event_id')}
      FROM ls_events e JOIN ls_contacts c ON e.contact = c.id JOIN ${this.#names.table} n ON e.name = n.v
      ${props.map((p, i) => `LEFT JOIN ${p.dictionary.table} d${i} ON e.p${i} = d${i}.v`).join(' ')}
      WHERE e.ts IS NOT NULL`
  }

  #pieces(): IdPieces {
    return new IdPieces(this.#idPieces, this.#derivedIds)
  }

  /** A CSV cell's value as `leadscore score` reads it: empty is absent (cellValue is applied in JS). */
  #cell(sql: string, csv: boolean): string {
    return csv ? `nullif(${sql}, '')` : sql
  }

  /** The distinct values of an events column, numbered from 0 in a table (value, code). */
  async #dictionary(table: string, column: string, csv: boolean): Promise<Dictionary> {
    await this.connection.run(`CREATE TEMP TABLE ${table} AS
      SELECT v, CAST(row_number() OVER (ORDER BY v) - 1 AS INTEGER) AS code
      FROM (SELECT DISTINCT ${column} AS v FROM ls_events WHERE ${column} IS NOT NULL)`)
    const reader = await this.connection.runAndReadAll(`SELECT v FROM ${table} ORDER BY code`)
    const values = reader.getColumnsJS()[0] ?? []
    return { table, values: values.map((v) => jsValue(v, csv)) }
  }

  /** Part `p` (0 .. partitions-1): its contacts in file order, their events, their accounts. */
  async read(p: number): Promise<ParquetPartition> {
    const { connection } = this
    await connection.run(`CREATE OR REPLACE TEMP TABLE ls_part AS
      SELECT CAST(row_number() OVER (ORDER BY c.ls_row) - 1 AS INTEGER) AS idx, c.*
      FROM ls_contacts c JOIN ls_parts USING (ls_row) WHERE part = ${p}`)
    const key = this.model.accounts?.key ?? 'account_id'
    const csvContacts = isCsv(this.files.contacts)
    const accountJoin = this.files.accounts !== undefined
    const contactRows = await connection.runAndReadAll(
      `SELECT c.id, ${[...this.#contactColumns.map((col) => `c.${ident(col)}`), ...(accountJoin ? this.#accountColumns.map((col) => `a.${ident(`a.${col}`)}`) : [])].join(', ') || 'NULL'}
       FROM ls_part c ${accountJoin ? `LEFT JOIN ls_accounts a ON a.account_id = CAST(c.${ident(key)} AS VARCHAR)` : ''}
       ORDER BY c.idx`,
    )
    const columns = contactRows.getColumnsJS()
    const n = contactRows.currentRowCount
    const ids = (columns[0] ?? []).map(String)
    const contact = new Map<string, PropertyColumn>()
    for (const [i, col] of this.#contactColumns.entries()) {
      contact.set(col, dictionaryColumn(columns[i + 1]!, csvContacts))
    }
    const account = new Map<string, PropertyColumn>()
    if (accountJoin) {
      const csv = isCsv(this.files.accounts!)
      const at = 1 + this.#contactColumns.length
      for (const [i, col] of this.#accountColumns.entries())
        account.set(col, dictionaryColumn(columns[at + i]!, csv))
    }
    const accounts = accountJoin ? await this.#accountsOf() : new Map<string, Properties>()
    const events = this.#hasEvents
      ? await this.#events(n, p)
      : new EventColumnsBuilder({ contacts: n }).finish()
    return {
      contacts: { length: n, ids, properties: [], columns: { contact, account } },
      events,
      accounts,
    }
  }

  /** The part's accounts' properties, by account id. */
  async #accountsOf(): Promise<Map<string, Properties>> {
    const key = this.model.accounts?.key ?? 'account_id'
    const csv = isCsv(this.files.accounts!)
    const reader = await this.connection.runAndReadAll(
      `SELECT * FROM ls_accounts WHERE account_id IN (SELECT CAST(${ident(key)} AS VARCHAR) FROM ls_part)`,
    )
    const out = new Map<string, Properties>()
    for (const row of reader.getRowObjectsJS()) {
      const properties: Record<string, unknown> = {}
      for (const col of this.#accountColumns) {
        const value = jsValue(row[`a.${col}`], csv)
        if (value !== undefined) properties[col] = value
      }
      out.set(String(row.account_id), properties)
    }
    return out
  }

  /**
   * The part's events as columns: DuckDB joins them to the part's contacts and dictionaries,
   * and sorts them by contact and time (the builder's sort then finds them in order: from a
   * parallel join they come scattered, and moving scattered rows into place costs ten times
   * DuckDB's sort).
   */
  async #events(contacts: number, part: number): Promise<EventColumns> {
    const props = this.#eventProps
    const builder = new EventColumnsBuilder({ contacts, properties: props.map((p) => p.name), shared: true })
    const pieces = this.#pieces()
    const file = this.#folder === undefined ? undefined : join(this.#folder, `part=${part}`)
    if (file !== undefined && !existsSync(file)) return builder.finish() // a part without events
    const source =
      file === undefined
        ? `(${this.#codedEvents()})`
        : `read_parquet(${quote(join(file, '*.parquet'))}, hive_partitioning = false)`
    const sql = `SELECT c.idx, x.ts, x.name${props.map((_, i) => `, x.c${i}`).join('')}, ${pieces.columns('x.')}
      FROM ${source} x JOIN ls_part c USING (ls_row)
      ORDER BY c.idx, x.ts`
    const result = await this.connection.stream(sql)
    const size = 2048
    const contact = new Int32Array(size)
    const ts = new Float64Array(size)
    const name = new Int32Array(size)
    const hash = new Float64Array(size)
    const codes = props.map(() => new Int32Array(size))
    const properties = new Map<string, PropertyColumn>(
      props.map((p, i) => [p.name, { codes: codes[i]!, values: p.dictionary.values }]),
    )
    for (;;) {
      const chunk = await result.fetchChunk()
      if (chunk === null || chunk.rowCount === 0) break
      const rows = chunk.rowCount
      const cIdx = chunk.getColumnVector(0)
      const cTs = chunk.getColumnVector(1)
      const cName = chunk.getColumnVector(2)
      for (let r = 0; r < rows; r++) {
        contact[r] = cIdx.getItem(r) as number
        ts[r] = cTs.getItem(r) as number
        name[r] = cName.getItem(r) as number
      }
      pieces.hash(chunk, 3 + props.length, rows, hash)
      for (let i = 0; i < props.length; i++) {
        const vector = chunk.getColumnVector(3 + i)
        const out = codes[i]!
        for (let r = 0; r < rows; r++) out[r] = (vector.getItem(r) as number | null) ?? -1
      }
      builder.addColumns({
        length: rows,
        contact,
        ts,
        name,
        names: this.#names.values as string[],
        idHash: hash,
        properties,
      })
    }
    return builder.finish()
  }

  /** Closes DuckDB and deletes the parts' files. */
  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
    if (this.#folder !== undefined) rmSync(this.#folder, { recursive: true, force: true })
  }
}

/**
 * Event ids hashed (`idHash`) as DuckDB hands them over, without a JavaScript string per id:
 * an id of ASCII text comes as pieces of at most 12 characters, which DuckDB keeps inline
 * in its vectors, and their bytes are hashed where they lie; an id with other characters
 * (or when the vectors cannot be read so) is read as text. Ids from the row numbers
 * (`derived`: no id column) are hashed as `<file name>:<number>`.
 */
class IdPieces {
  readonly #pieces: number
  readonly #derived: string | undefined

  constructor(pieces: number, derived: string | undefined) {
    // past 8 pieces (96 characters), ids are read as text
    this.#pieces = derived !== undefined || pieces > 8 ? 0 : pieces
    this.#derived = derived
  }

  /** The columns to select: the text when not ASCII (else NULL), then the pieces. */
  sql(id: string): string {
    if (this.#pieces === 0) return `${id} AS id_text`
    const pieces = Array.from(
      { length: this.#pieces },
      (_, k) => `substr(${id}, ${1 + 12 * k}, 12) AS id_${k}`,
    )
    return [`CASE WHEN strlen(${id}) <> length(${id}) THEN ${id} END AS id_text`, ...pieces].join(', ')
  }

  /** The columns {@link sql} selects, from a relation (`prefix`: its alias and a dot). */
  columns(prefix: string): string {
    return ['id_text', ...Array.from({ length: this.#pieces }, (_, k) => `id_${k}`)]
      .map((c) => prefix + c)
      .join(', ')
  }

  /** Hashes the ids of the chunk's `rows` rows, from its column `at` on, into `out`. */
  hash(chunk: DuckDBDataChunk, at: number, rows: number, out: Float64Array): void {
    const text = chunk.getColumnVector(at)
    const derived = this.#derived
    if (this.#pieces === 0) {
      for (let r = 0; r < rows; r++) {
        const id = String(text.getItem(r) ?? '')
        out[r] = idHash(derived === undefined ? id : derived + id)
      }
      return
    }
    const bytes: Uint8Array[] = []
    for (let k = 0; k < this.#pieces; k++) {
      const view = (chunk.getColumnVector(at + 1 + k) as unknown as { dataView?: unknown }).dataView
      if (!(view instanceof DataView)) {
        for (let r = 0; r < rows; r++) out[r] = idHash(String(text.getItem(r) ?? ''))
        return
      }
      bytes.push(new Uint8Array(view.buffer, view.byteOffset, rows * 16))
    }
    for (let r = 0; r < rows; r++) {
      const wide = text.getItem(r)
      if (wide !== null) {
        out[r] = idHash(String(wide))
        continue
      }
      let a = 0x811c9dc5
      let b = 0x9747b28c
      for (const piece of bytes) {
        // a string_t: 4 bytes of length (little-endian; at most 12 here), then the bytes
        const start = r * 16
        const end = start + 4 + (piece[start]! | (piece[start + 1]! << 8))
        for (let i = start + 4; i < end; i++) {
          const c = piece[i]!
          a = Math.imul(a ^ c, 0x01000193)
          b = Math.imul(b ^ c, 0x5bd1e995)
          b ^= b >>> 15
        }
      }
      out[r] = finishIdHash(a, b)
    }
  }
}

/** A property column from one value per contact (null: absent). */
function dictionaryColumn(values: readonly unknown[], csv: boolean): PropertyColumn {
  const dictionary: unknown[] = []
  const codeOf = new Map<unknown, number>()
  const codes = new Int32Array(values.length)
  for (let c = 0; c < values.length; c++) {
    const value = jsValue(values[c], csv)
    if (value === undefined) {
      codes[c] = -1
      continue
    }
    let code = codeOf.get(value)
    if (code === undefined) {
      code = dictionary.length
      dictionary.push(value)
      codeOf.set(value, code)
    }
    codes[c] = code
  }
  return { codes, values: dictionary }
}

/** A value read from DuckDB as a property value: null is absent; CSV text as `leadscore score` reads it. */
function jsValue(value: unknown, csv: boolean): unknown {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'bigint') return Number(value)
  if (csv && typeof value === 'string') return value === '' ? undefined : cellValue(value)
  return value
}
