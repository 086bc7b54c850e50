/**
 * Building property bags from CSV records and NDJSON objects.
 * @module
 */
import type { Properties } from '../core/input.js'
import { cellValueAt } from './cell-value.js'
import type { CsvRecord } from './csv-tokenizer.js'
import { describeJson } from './json-lines.js'
import type { BadRow } from './row-source.js'

/** Reads the properties of one CSV record: every column but the excluded ones, empty cells left out. */
export type CsvProperties = (record: CsvRecord) => Properties

/**
 * The properties reader for a CSV header: every column whose index is not in `excluded`
 * (and whose name is in `keep`, when given) becomes a property; an empty cell is an absent
 * property; other cells go through `cellValue` (canonical numbers become numbers).
 */
export function csvProperties(
  header: readonly string[],
  excluded: readonly number[],
  keep: ReadonlySet<string> | undefined,
): CsvProperties {
  const indexes: number[] = []
  const names: string[] = []
  header.forEach((name, i) => {
    if (!excluded.includes(i) && (keep === undefined || keep.has(name))) {
      indexes.push(i)
      names.push(name)
    }
  })
  const count = indexes.length
  if (names.includes('__proto__')) {
    return ({ text, starts, ends }) => {
      const properties: Record<string, unknown> = {}
      for (let j = 0; j < count; j++) {
        const start = starts[indexes[j]!]!
        const end = ends[indexes[j]!]!
        if (start < end) setProperty(properties, names[j]!, cellValueAt(text, start, end))
      }
      return properties
    }
  }
  return ({ text, starts, ends }) => {
    const properties: Record<string, unknown> = {}
    for (let j = 0; j < count; j++) {
      const start = starts[indexes[j]!]!
      const end = ends[indexes[j]!]!
      if (start < end) properties[names[j]!] = cellValueAt(text, start, end)
    }
    return properties
  }
}

/**
 * The properties of an NDJSON object: every member but `used` ones, then the members of a
 * nested `properties` object (which win on a clash); only those in `keep`, when given.
 * Values stay as JSON gave them. Reports (and returns undefined for) a `properties` member
 * that is neither an object nor null.
 */
export function jsonProperties(
  value: Record<string, unknown>,
  used: readonly (string | undefined)[],
  keep: ReadonlySet<string> | undefined,
  line: number,
  bad: BadRow,
): Properties | undefined {
  const properties: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (key !== 'properties' && !used.includes(key) && (keep === undefined || keep.has(key))) {
      setProperty(properties, key, value[key])
    }
  }
  const nested = Object.hasOwn(value, 'properties') ? value['properties'] : undefined
  if (nested === undefined || nested === null) return properties
  if (typeof nested !== 'object' || Array.isArray(nested)) {
    return bad(
      line,
      'bad-properties',
      `"properties" is ${describeJson(nested)}, not an object`,
      'make "properties" an object of named values, or rename the member',
      'properties',
    )
  }
  for (const key of Object.keys(nested)) {
    if (keep === undefined || keep.has(key))
      setProperty(properties, key, (nested as Record<string, unknown>)[key])
  }
  return properties
}

/** Sets an own property, even one named `__proto__`. */
export function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/** The own member `key` of `value`, or undefined. */
export function member(value: Record<string, unknown>, key: string | undefined): unknown {
  return key !== undefined && Object.hasOwn(value, key) ? value[key] : undefined
}
