import Negotiator from 'negotiator'

/** The languages Leadscore speaks. English is the fallback for everything else. */
export const LOCALES = ['en', 'es', 'nl'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'en'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/**
 * The locale for a language tag as people and systems write it: `es`, `es-MX`, `nl_BE.UTF-8`,
 * `ES`. Undefined when the language is not one Leadscore speaks.
 */
export function localeOf(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined
  const language = tag
    .trim()
    .split(/[-_.@]/)[0]
    ?.toLowerCase()
  return isLocale(language) ? language : undefined
}

/** The best locale for an HTTP `Accept-Language` header (q-values honoured), else English. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE
  const chosen = new Negotiator({ headers: { 'accept-language': header } }).language([...LOCALES])
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE
}

/** The first of the candidates that names a locale Leadscore speaks (a user's setting, `--lang`, ...), else English. */
export function pickLocale(...candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const locale = localeOf(candidate)
    if (locale) return locale
  }
  return DEFAULT_LOCALE
}
