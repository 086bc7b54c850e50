/**
 * How property values compare: case-insensitive trimmed strings (unless case-sensitive),
 * numbers parsed from strings, ISO dates for order operators. Shared by the per-contact
 * evaluator and the columnar scorer so both give the same answers.
 * @module
 */

/** A property is missing when it is absent or null. */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null
}

/** The text of a value for string operators; objects and arrays as JSON. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  return JSON.stringify(value) ?? ''
}

export function normalizeText(value: string, caseSensitive: boolean): string {
  const trimmed = value.trim()
  return caseSensitive ? trimmed : trimmed.toLowerCase()
}

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i

/** A number from a number or a numeric string; NaN when the value does not parse as a number. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN
  if (typeof value === 'string') {
    const t = value.trim()
    return NUMERIC.test(t) ? Number(t) : Number.NaN
  }
  if (typeof value === 'boolean') return Number.NaN
  return Number.NaN
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i

/** Epoch milliseconds of an ISO-8601 date string; NaN otherwise. */
export function dateOf(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN
  const t = value.trim()
  return ISO_DATE.test(t) ? Date.parse(t) : Number.NaN
}

/** True when `text` looks like an ISO date (so order operators compare it as a date). */
export function isIsoDate(text: string): boolean {
  return ISO_DATE.test(text.trim())
}

/** Reads `path` from a property bag: the exact key first, then nested objects along the dots. */
export function lookup(bag: Readonly<Record<string, unknown>> | undefined, path: string): unknown {
  if (bag === undefined) return undefined
  if (Object.hasOwn(bag, path)) return bag[path]
  if (!path.includes('.')) return undefined
  let current: unknown = bag
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}
