/**
 * The label column: which rows converted.
 * @module
 */
import { columnIndex, type LeadTable, PredictInputError } from './table.js'

/** The labels of a table's rows. Rows with an empty label cell are left out of training. */
export interface Labels {
  readonly column: string
  /** The cell text counted as a conversion. */
  readonly positive: string
  /** The other value (empty when every row is positive or negative). */
  readonly negative: string
  /** 1 = converted, 0 = not, per kept row. */
  readonly values: Uint8Array
  /** The table rows the labels belong to (rows with an empty label are skipped). */
  readonly rows: Int32Array
  /** Rows skipped because their label cell was empty. */
  readonly skipped: number
}

const POSITIVE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'converted', 'won', 'positive'])
const NEGATIVE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'not converted', 'lost', 'negative'])

/**
 * Reads the label column: two values, one of them the positive class (`positive`, else the one
 * of `1`, `yes`, `true`, `converted`, `won`... case-insensitive).
 * @throws {PredictInputError} when the column is missing, holds more than two values, or the
 * positive value cannot be told.
 */
export function readLabels(table: LeadTable, column: string, positive?: string): Labels {
  const cells = table.columns[columnIndex(table, column, 'label')]!
  const counts = new Map<string, number>()
  for (const raw of cells) {
    const cell = raw.trim()
    if (cell !== '') counts.set(cell, (counts.get(cell) ?? 0) + 1)
  }
  const values = [...counts.keys()]
  if (values.length > 2) {
    const shown = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([v, n]) => `"${v}" (${n})`)
    throw new PredictInputError(
      `the label column "${column}" has ${values.length} values (${shown.join(', ')}${values.length > 6 ? ', ...' : ''}); a label must have two: converted or not`,
      positive === undefined
        ? `pick the column that says whether each lead converted, or pass --positive VALUE to count one value as converted and every other as not`
        : `every value other than "${positive}" counts as not converted: check the column name`,
    )
  }
  let positiveValue = positive?.trim()
  if (positiveValue === undefined) {
    const found = values.filter((v) => POSITIVE_WORDS.has(v.toLowerCase()))
    const negatives = values.filter((v) => NEGATIVE_WORDS.has(v.toLowerCase()))
    if (found.length === 1 && values.length - negatives.length <= 1) positiveValue = found[0]!
    else if (values.length === 0)
      throw new PredictInputError(
        `the label column "${column}" is empty`,
        'fill in the outcome of past leads',
      )
    else
      throw new PredictInputError(
        `cannot tell which value of the label column "${column}" means converted (${values.map((v) => `"${v}"`).join(', ')})`,
        `pass --positive VALUE, for example --positive "${values[0]}"`,
      )
  } else if (!counts.has(positiveValue) && values.length === 2) {
    throw new PredictInputError(
      `no row of the label column "${column}" is "${positiveValue}" (its values: ${values.map((v) => `"${v}"`).join(', ')})`,
      'pass one of its values to --positive',
    )
  }
  const rows: number[] = []
  const labels: number[] = []
  cells.forEach((raw, r) => {
    const cell = raw.trim()
    if (cell === '') return
    rows.push(r)
    labels.push(cell === positiveValue ? 1 : 0)
  })
  return {
    column,
    positive: positiveValue,
    negative: values.find((v) => v !== positiveValue) ?? '',
    values: Uint8Array.from(labels),
    rows: Int32Array.from(rows),
    skipped: cells.length - rows.length,
  }
}
