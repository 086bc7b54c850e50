/**
 * Which parser reads a file, from its name.
 * @module
 */
import { InputFileError } from './input-file-error.js'

/** The record format of an input file. */
export type InputFormat = 'csv' | 'ndjson'

/** How a file is read: its record format and whether it is gzip-compressed. */
export interface InputKind {
  readonly format: InputFormat
  readonly gzip: boolean
}

/**
 * The kind of an input file from its extension (case-insensitive): `.csv`, `.ndjson` or
 * `.jsonl`, each optionally followed by `.gz`. `format` overrides the record format (the
 * `.gz` suffix still decides compression).
 * @throws {InputFileError} for any other extension when `format` is not given.
 */
export function inputKind(path: string, format?: InputFormat): InputKind {
  const lower = path.toLowerCase()
  const gzip = lower.endsWith('.gz')
  const name = gzip ? lower.slice(0, -3) : lower
  if (format !== undefined) return { format, gzip }
  if (name.endsWith('.csv')) return { format: 'csv', gzip }
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return { format: 'ndjson', gzip }
  throw new InputFileError(
    path,
    undefined,
    'unknown file type',
    'name the file .csv, .ndjson or .jsonl (optionally followed by .gz), or give its format',
  )
}
