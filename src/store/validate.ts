/**
 * Checks on what callers write, so bad input fails with a precise `StoreInputError` before
 * anything is written, and every backend accepts exactly the same values (PostgreSQL text
 * cannot hold NUL characters or unpaired surrogates, so neither backend takes them).
 * @module
 */
import type { Properties } from '../core/index.js'
import type { ApiKey, ApiText } from '../i18n/api.js'
import { StoreInputError } from './errors.js'

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** A non-empty string without NUL characters or unpaired surrogates. */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new StoreInputError(field, got('store.string', value))
  if (value.length === 0) throw new StoreInputError(field, { key: 'store.empty' })
  if (value.includes('\u0000')) throw new StoreInputError(field, { key: 'store.nul' })
  if (UNPAIRED_SURROGATE.test(value)) throw new StoreInputError(field, { key: 'store.unicode' })
  return value
}

/** `text`, or null (undefined counts as null). */
export function nullableText(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : text(value, field)
}

/** A time in epoch milliseconds: a safe integer. */
export function time(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new StoreInputError(field, got('store.time', value))
  return value
}

export function nullableTime(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : time(value, field)
}

/** A finite number. */
export function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new StoreInputError(field, got('store.finite', value))
  return value
}

export function nullableFinite(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : finite(value, field)
}

/** A positive integer (model versions, limits). */
export function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new StoreInputError(field, got('store.positive', value))
  return value
}

/** An integer ≥ 0 (counts). */
export function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new StoreInputError(field, got('store.count', value))
  return value
}

/** A property bag: a plain JSON object. Returns it (the caller stringifies). */
export function properties(value: unknown, field: string): Properties {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new StoreInputError(field, got('store.object', value))
  return value as Properties
}

/** JSON text of a value, or a `StoreInputError` when it cannot be JSON (cycles, BigInt). */
export function json(value: unknown, field: string): string {
  let out: string | undefined
  try {
    out = JSON.stringify(value)
  } catch (error) {
    throw new StoreInputError(field, {
      key: 'store.json',
      values: { got: 'value', value: (error as Error).message },
    })
  }
  if (out === undefined) throw new StoreInputError(field, got('store.json', value))
  return out
}

/** One of `allowed`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new StoreInputError(field, got('store.oneOf', value, { allowed: allowed.join(', ') }))
  return value as T
}

/** An array of texts. */
export function texts(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new StoreInputError(field, got('store.array', value))
  return value.map((v, i) => text(v, `${field}[${i}]`))
}

/** The problem `key` with what was given instead (`got`: `array`, `value` with its `value`, or its type). */
function got(key: ApiKey, value: unknown, values: Readonly<Record<string, string>> = {}): ApiText {
  return { key, values: { ...values, ...described(value) } }
}

function described(value: unknown): { got: string; value?: string } {
  if (value === null) return { got: 'value', value: 'null' }
  if (Array.isArray(value)) return { got: 'array' }
  if (typeof value === 'string')
    return { got: 'value', value: JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) }
  if (typeof value === 'number') return { got: 'value', value: String(value) }
  return { got: typeof value }
}

/** `must be an array`, said without the value. */
export const AN_ARRAY: ApiText = { key: 'store.array', values: { got: 'none' } }
/** `must be an object`, said without the value. */
export const AN_OBJECT: ApiText = { key: 'store.object', values: { got: 'none' } }
/** `must be a string`, said without the value. */
export const A_STRING: ApiText = { key: 'store.string', values: { got: 'none' } }
/** `must be a list`. */
export const A_LIST: ApiText = { key: 'store.list' }
/** `must be a partition number`. */
export const A_PARTITION: ApiText = { key: 'store.partition' }
