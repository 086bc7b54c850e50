/**
 * JSON in the store: property bags are stored as JSON text and read back exactly (keys such
 * as `__proto__` are data, never prototypes).
 * @module
 */
import type { Properties } from '../core/index.js'

/** JSON text of a value the store writes. */
export function toJson(value: unknown): string {
  return JSON.stringify(value)
}

/** Parses JSON text read from the database. `JSON.parse` defines own properties, so `__proto__` stays data. */
export function fromJson<T>(text: unknown): T {
  if (typeof text !== 'string')
    throw new TypeError(`expected JSON text from the database, got ${typeof text}`)
  return JSON.parse(text) as T
}

/** `base` with `patch`'s keys set (keys whose value is `undefined` are ignored). */
export function mergeProperties(base: Properties, patch: Properties): Properties {
  // Object.fromEntries defines own data properties: a `__proto__` key stays a key
  return Object.fromEntries([
    ...Object.entries(base),
    ...Object.entries(patch).filter(([, value]) => value !== undefined),
  ])
}
