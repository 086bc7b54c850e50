/**
 * The text the queue's `text` filter searches: a contact's name, email and company, lower case.
 * @module
 */
import type { Properties } from '../core/index.js'

/** Properties searched by the `text` filter, in this order. */
export const SEARCHED_PROPERTIES = [
  'name',
  'first_name',
  'firstName',
  'last_name',
  'lastName',
  'email',
  'company',
  'company_name',
  'companyName',
] as const

/** The searchable text of a contact. */
export function searchTextOf(id: string, properties: Properties): string {
  const parts = [id]
  for (const key of SEARCHED_PROPERTIES) {
    const value = Object.hasOwn(properties, key) ? properties[key] : undefined
    if (typeof value === 'string' || typeof value === 'number') parts.push(String(value))
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // Segment's `company: { name }`
      const name = (value as Record<string, unknown>)['name']
      if (typeof name === 'string') parts.push(name)
    }
  }
  return parts.join('\n').toLowerCase()
}

/** A LIKE pattern matching `text` anywhere (with `ESCAPE '\'`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
