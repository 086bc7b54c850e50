/**
 * The CLI's human output in the reader's language: help, tables' headers, summaries, errors and
 * their hints. Machine output (`--json`, CSV) never changes with the language.
 * @module
 */
import en from './catalogs/en/cli.json' with { type: 'json' }
import es from './catalogs/es/cli.json' with { type: 'json' }
import nl from './catalogs/nl/cli.json' with { type: 'json' }
import type { Locale } from './locale.js'
import { type Catalogs, createTranslator, type MessageValues, type Translator } from './translator.js'

export type CliKey = keyof typeof en
export const cliCatalogs: Catalogs<CliKey> = { en, es, nl }

/** A message of the `cli` catalog with its values. */
export interface CliText {
  readonly key: CliKey
  readonly values?: MessageValues
}

const translators = new Map<Locale, Translator<CliKey>>()

/** The `cli` catalog's translator for `locale` (made once). */
export function cliTranslator(locale: Locale): Translator<CliKey> {
  let t = translators.get(locale)
  if (t === undefined) {
    t = createTranslator(cliCatalogs, locale)
    translators.set(locale, t)
  }
  return t
}

/** `text` said in `locale`. */
export function sayCli(text: CliText, locale: Locale): string {
  return cliTranslator(locale).t(text.key, text.values)
}
