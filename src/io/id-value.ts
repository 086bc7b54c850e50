/**
 * Reading ids from NDJSON members.
 * @module
 */
import { describeJson } from './json-lines.js'

/**
 * An id from a JSON value: a non-empty string as is, a finite number as its decimal text.
 * `missing` for absent, null or empty; otherwise a description of the wrong value.
 */
export function idValue(value: unknown): string | { readonly missing: true } | { readonly wrong: string } {
  if (typeof value === 'string') return value === '' ? MISSING : value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (value === undefined || value === null) return MISSING
  return { wrong: describeJson(value) }
}

const MISSING = { missing: true } as const
