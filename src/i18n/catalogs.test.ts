import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  argumentsOf,
  compareCatalogs,
  domains,
  OTHER_LOCALES,
  readCatalog,
  unusedKeys,
} from './test-support/catalog-check.js'

const SRC = join(import.meta.dirname, '..')

describe('message catalogs', () => {
  it('exist for every domain', () => {
    expect(domains().length).toBeGreaterThan(0)
  })

  it.each(domains())('%s: every language has every key, with the same arguments, and no other', (domain) => {
    const en = readCatalog('en', domain)
    const problems = OTHER_LOCALES.flatMap((locale) =>
      compareCatalogs(en, readCatalog(locale, domain), `${locale}/${domain}.json`),
    )
    expect(problems).toEqual([])
  })

  it.each(domains())('%s: every key is used by the code', (domain) => {
    expect(unusedKeys(Object.keys(readCatalog('en', domain)), SRC)).toEqual([])
  })

  it('the checks catch what they look for', () => {
    expect(argumentsOf('{count, plural, one {# lead of {owner}} other {# leads}} <b>{band}</b>')).toEqual([
      'b',
      'band',
      'count',
      'owner',
    ])
    expect(compareCatalogs({ a: 'x {n}', b: 'y' }, { a: 'x', c: 'z' }, 'es/t.json')).toEqual([
      'es/t.json: "a" uses {} where English uses {n}',
      'es/t.json: missing "b"',
      'es/t.json: "c" is not in English',
    ])
    expect(unusedKeys(['i18n.never.used.anywhere'], SRC)).toEqual(['i18n.never.used.anywhere'])
  })
})
