/**
 * Queue cursors: the position after the last row of a page (its sort key and contact id),
 * opaque to callers.
 * @module
 */
import { StoreInputError } from './errors.js'
import type { ContactSort } from './records/contact-query.js'

export interface CursorPosition {
  readonly sort: ContactSort
  readonly direction: 'asc' | 'desc'
  /** The sort key of the last row (null for the `id` sort). */
  readonly key: number | null
  readonly id: string
}

export function encodeCursor(position: CursorPosition): string {
  const { sort, direction, key, id } = position
  return Buffer.from(JSON.stringify([1, sort, direction, key, id]), 'utf8').toString('base64url')
}

/** Decodes a cursor made for `sort` and `direction`; anything else is a `StoreInputError`. */
export function decodeCursor(cursor: string, sort: ContactSort, direction: 'asc' | 'desc'): CursorPosition {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new StoreInputError('cursor', { key: 'store.cursor', values: { call: 'listContacts' } })
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    parsed[0] !== 1 ||
    !(typeof parsed[3] === 'number' || parsed[3] === null) ||
    typeof parsed[4] !== 'string'
  ) {
    throw new StoreInputError('cursor', { key: 'store.cursor', values: { call: 'listContacts' } })
  }
  if (parsed[1] !== sort || parsed[2] !== direction) {
    throw new StoreInputError('cursor', {
      key: 'store.cursorSort',
      values: {
        sort: String(parsed[1]),
        direction: String(parsed[2]),
        asked: sort,
        askedDirection: direction,
      },
    })
  }
  return { sort, direction, key: parsed[3] as number | null, id: parsed[4] }
}
