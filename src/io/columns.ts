/**
 * Finding the id, name and time columns of an input file.
 * @module
 */
import { InputFileError } from './input-file-error.js'

/** A column the reader looks for: what it is, the names it may have, and the option that names it. */
export interface ColumnRole {
  /** For messages: `contact id`, `event name`, `time`. */
  readonly what: string
  /** Names tried in order. */
  readonly names: readonly string[]
  /** The reader option that names the column explicitly, for messages. */
  readonly option: string
}

/**
 * Checks a CSV header (names are trimmed) and returns it.
 * @throws {InputFileError} for an unnamed or a repeated column.
 */
export function checkHeader(file: string, line: number, fields: readonly string[]): string[] {
  const header = fields.map((name) => name.trim())
  const seen = new Map<string, number>()
  header.forEach((name, i) => {
    if (name === '') {
      throw new InputFileError(file, line, `column ${i + 1} of the header has no name`, 'name every column')
    }
    const before = seen.get(name)
    if (before !== undefined) {
      throw new InputFileError(
        file,
        line,
        `column "${name}" appears twice in the header (columns ${before + 1} and ${i + 1})`,
        'rename one of them',
      )
    }
    seen.set(name, i)
  })
  return header
}

/**
 * The index of the header column playing `role`: the `explicit` name if given, else the
 * first of `role.names` present; -1 when absent and not `required`.
 * @throws {InputFileError} when an explicit column is absent, or a required one is.
 */
export function pickColumn(
  file: string,
  line: number,
  header: readonly string[],
  role: ColumnRole,
  explicit: string | undefined,
  required: boolean,
): number {
  const columns = `the header has ${header.map((h) => `"${h}"`).join(', ')}`
  if (explicit !== undefined) {
    const index = header.indexOf(explicit)
    if (index < 0) {
      throw new InputFileError(
        file,
        line,
        `no column "${explicit}" (named by the ${role.option} option)`,
        `${columns}; give one of them`,
      )
    }
    return index
  }
  for (const name of role.names) {
    const index = header.indexOf(name)
    if (index >= 0) return index
  }
  if (!required) return -1
  throw new InputFileError(
    file,
    line,
    `no ${role.what} column`,
    `name it ${orList(role.names)}, or choose it with the ${role.option} option (${columns})`,
  )
}

/** The first of `names` that `value` has with a value other than `undefined` or `null`. */
export function pickKey(
  value: Record<string, unknown>,
  names: readonly string[],
  explicit: string | undefined,
): string | undefined {
  if (explicit !== undefined) return explicit
  for (const name of names) {
    const v = value[name]
    if (v !== undefined && v !== null) return name
  }
  return undefined
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function orList(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`)
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}
