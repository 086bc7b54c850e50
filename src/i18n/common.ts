import en from './catalogs/en/common.json' with { type: 'json' }
import es from './catalogs/es/common.json' with { type: 'json' }
import nl from './catalogs/nl/common.json' with { type: 'json' }
import { LOCALES, type Locale } from './locale.js'
import { type Catalogs, createTranslator } from './translator.js'

export type CommonKey = keyof typeof en
export const commonCatalogs: Catalogs<CommonKey> = { en, es, nl }

/** A language's name in that language (`Español`), for language pickers. */
export function languageName(locale: Locale): string {
  return createTranslator(commonCatalogs, locale).t('language.name')
}

/** Every language Leadscore speaks, with its own name. */
export function languages(): { locale: Locale; name: string }[] {
  return LOCALES.map((locale) => ({ locale, name: languageName(locale) }))
}
