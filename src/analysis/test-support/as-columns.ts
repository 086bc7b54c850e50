/**
 * Lead data with the contact and account properties as dictionary-encoded columns (as a
 * columnar reader gives them) instead of an object per contact: the analyses must give the
 * same reports on both.
 * @module
 */
import type { PropertyColumn } from '../../core/columnar/index.js'
import type { Properties } from '../../core/input.js'
import type { LeadData } from '../leads.js'

/** Every key of `bags` as a column: a code per contact into its distinct values (-1: absent). */
function columnsOf(bags: readonly (Properties | undefined)[]): Map<string, PropertyColumn> {
  const keys = new Set<string>()
  for (const bag of bags) for (const key in bag) keys.add(key)
  const out = new Map<string, PropertyColumn>()
  for (const key of keys) {
    const values: unknown[] = []
    const codes = Int32Array.from(bags, (bag) => {
      if (bag === undefined || !Object.hasOwn(bag, key)) return -1
      const value = bag[key]
      let code = values.indexOf(value)
      if (code < 0) code = values.push(value) - 1
      return code
    })
    out.set(key, { codes, values })
  }
  return out
}

export function asColumns(data: LeadData): LeadData {
  const { accounts, ...contacts } = data.contacts
  return {
    ...data,
    contacts: {
      ...contacts,
      properties: [],
      columns: {
        contact: columnsOf(data.contacts.properties),
        ...(accounts ? { account: columnsOf(accounts) } : {}),
      },
    },
  }
}
