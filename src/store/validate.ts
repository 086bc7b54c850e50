/**
 * Checks on what callers write, so bad input fails with a precise `StoreInputError` before
 * anything is written, and every backend accepts exactly the same values (PostgreSQL text
 * cannot hold NUL characters or unpaired surrogates, so neither backend takes them).
 * @module
 */
import type { Properties } from '../core/index.js'
import { StoreInputError } from './errors.js'

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** A non-empty string without NUL characters or unpaired surrogates. */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new StoreInputError(field, `must be a string, got ${describe(value)}`)
  if (value.length === 0) throw new StoreInputError(field, 'must not be empty')
  if (value.includes('\u0000')) throw new StoreInputError(field, 'must not contain NUL characters')
  if (UNPAIRED_SURROGATE.test(value))
    throw new StoreInputError(field, 'must be valid Unicode (unpaired surrogate)')
  return value
}

/** `text`, or null (undefined counts as null). */
export function nullableText(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : text(value, field)
}

/** A time in epoch milliseconds: a safe integer. */
export function time(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new StoreInputError(field, `must be an integer time in epoch milliseconds, got ${describe(value)}`)
  return value
}

export function nullableTime(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : time(value, field)
}

/** A finite number. */
export function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new StoreInputError(field, `must be a finite number, got ${describe(value)}`)
  return value
}

export function nullableFinite(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : finite(value, field)
}

/** A positive integer (model versions, limits). */
export function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new StoreInputError(field, `must be a positive integer, got ${describe(value)}`)
  return value
}

/** An integer ≥ 0 (counts). */
export function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new StoreInputError(field, `must be an integer ≥ 0, got ${describe(value)}`)
  return value
}

/** A property bag: a plain JSON object. Returns it (the caller stringifies). */
export function properties(value: unknown, field: string): Properties {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new StoreInputError(field, `must be an object, got ${describe(value)}`)
  return value as Properties
}

/** JSON text of a value, or a `StoreInputError` when it cannot be JSON (cycles, BigInt). */
export function json(value: unknown, field: string): string {
  let out: string | undefined
  try {
    out = JSON.stringify(value)
  } catch (error) {
    throw new StoreInputError(field, `cannot be stored as JSON: ${(error as Error).message}`)
  }
  if (out === undefined) throw new StoreInputError(field, `cannot be stored as JSON: ${describe(value)}`)
  return out
}

/** One of `allowed`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new StoreInputError(field, `must be one of ${allowed.join(', ')}, got ${describe(value)}`)
  return value as T
}

/** An array of texts. */
export function texts(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new StoreInputError(field, `must be an array, got ${describe(value)}`)
  return value.map((v, i) => text(v, `${field}[${i}]`))
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number') return String(value)
  return typeof value
}
