/**
 * A table of leads as text cells: the input of training and prediction.
 * @module
 */

/** A table read from a CSV file: column names and, per column, one text cell per row. */
export interface LeadTable {
  readonly header: readonly string[]
  /** `columns[c][r]`: the cell of column `c` in row `r` (empty string when empty). */
  readonly columns: readonly (readonly string[])[]
  readonly rowCount: number
  /** The 1-based file line of each row, for messages (optional). */
  readonly lines?: readonly number[]
}

/** An error in the user's data or options, with what to do about it. */
export class PredictInputError extends Error {
  readonly hint: string
  constructor(message: string, hint: string) {
    super(message)
    this.name = 'PredictInputError'
    this.hint = hint
  }
}

/** Builds a table from a header and rows of cells (missing cells become empty strings). */
export function tableFromRows(header: readonly string[], rows: readonly (readonly string[])[]): LeadTable {
  const columns = header.map((_, c) => rows.map((row) => row[c] ?? ''))
  return { header, columns, rowCount: rows.length }
}

/** `table` with one more column (e.g. the outcome of each contact of a behaviour table). */
export function withColumn(table: LeadTable, name: string, cells: readonly string[]): LeadTable {
  if (cells.length !== table.rowCount)
    throw new RangeError(`${cells.length} cells for a table of ${table.rowCount} rows: give one per row`)
  if (table.header.includes(name)) throw new RangeError(`the table already has a column "${name}"`)
  return { ...table, header: [...table.header, name], columns: [...table.columns, cells] }
}

/** The rows of `tables` (all with the same header) one after the other. */
export function concatTables(header: readonly string[], tables: readonly LeadTable[]): LeadTable {
  for (const t of tables)
    if (t.header.length !== header.length || t.header.some((h, i) => h !== header[i]))
      throw new RangeError('every table must have the same columns, in the same order')
  const columns = header.map((_, c) => tables.flatMap((t) => t.columns[c]!))
  return { header, columns, rowCount: tables.reduce((n, t) => n + t.rowCount, 0) }
}

/** The index of column `name` in `table`, or a {@link PredictInputError} naming the columns there are. */
export function columnIndex(table: LeadTable, name: string, role: string): number {
  const index = table.header.indexOf(name)
  if (index >= 0) return index
  const lower = name.trim().toLowerCase()
  const close = table.header.filter((h) => h.toLowerCase().includes(lower) || lower.includes(h.toLowerCase()))
  throw new PredictInputError(
    `no column named "${name}" (the ${role}) in the data`,
    `${close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}? ` : ''}the columns are: ${table.header.join(', ')}`,
  )
}

const SEPARATORS = [',', ';', '\t', '|'] as const

/** The field separator of delimited text: whichever of `,` `;` tab `|` occurs most outside quotes on the first line. */
export function detectSeparator(text: string): string {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]))
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '\n' || c === '\r')) break
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1)
  }
  let best = ','
  for (const s of SEPARATORS) if (counts.get(s)! > counts.get(best)!) best = s
  return best
}

/**
 * Swaps `separator` and `,` everywhere in `text`. A CSV reader for commas reads the result
 * correctly (quotes are untouched), and swapping back each field's text restores it exactly:
 * this lets the comma tokenizer read `;`- or tab-separated files.
 */
export function swapSeparator(text: string, separator: string): string {
  if (separator === ',' || (!text.includes(separator) && !text.includes(','))) return text
  return text
    .split(',')
    .map((part) => part.split(separator).join(','))
    .join(separator)
}
