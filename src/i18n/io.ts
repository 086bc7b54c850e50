/**
 * What the file readers (src/io) say about a bad row, in the reader's language: the `io`
 * catalog. The readers themselves stay free of languages; a row issue carries a stable `code`
 * and its values, and the CLI says it here.
 * @module
 */
import en from './catalogs/en/io.json' with { type: 'json' }
import es from './catalogs/es/io.json' with { type: 'json' }
import nl from './catalogs/nl/io.json' with { type: 'json' }
import type { Locale } from './locale.js'
import { type Catalogs, createTranslator, type Translator } from './translator.js'

export type IoKey = keyof typeof en
export const ioCatalogs: Catalogs<IoKey> = { en, es, nl }

const translators = new Map<Locale, Translator<IoKey>>()

/** The `io` catalog's translator for `locale` (made once). */
export function ioTranslator(locale: Locale): Translator<IoKey> {
  let t = translators.get(locale)
  if (t === undefined) {
    t = createTranslator(ioCatalogs, locale)
    translators.set(locale, t)
  }
  return t
}
