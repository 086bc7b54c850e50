/**
 * The dashboard routes' error messages in the request's language: the texts live in the
 * `dashboard` catalog (`server.*` keys), the English one is the error's message and the
 * others are said by `HttpError`'s `say` when the answer is written.
 * @module
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import en from '../../i18n/catalogs/en/dashboard.json' with { type: 'json' }
import es from '../../i18n/catalogs/es/dashboard.json' with { type: 'json' }
import nl from '../../i18n/catalogs/nl/dashboard.json' with { type: 'json' }
import type { DashboardKey } from '../../i18n/dashboard.js'
import { LOCALES, type Locale } from '../../i18n/locale.js'
import { createTranslator, type MessageValues, type Translator } from '../../i18n/translator.js'
import { HttpError } from '../http-error.js'

const translators = Object.fromEntries(
  LOCALES.map((locale) => [locale, createTranslator<DashboardKey>({ en, es, nl }, locale)]),
) as Record<Locale, Translator<DashboardKey>>

/** A message of the catalog with its values. */
export interface Said {
  readonly key: DashboardKey
  readonly values?: MessageValues
}

export function say(text: Said, locale: Locale): string {
  return translators[locale].t(text.key, text.values)
}

/** An HttpError whose message and hint are said in the language of the request. */
export function dashboardError(
  status: ContentfulStatusCode,
  code: string,
  message: Said,
  options: { hint?: Said; headers?: Record<string, string> } = {},
): HttpError {
  const { hint, headers } = options
  return new HttpError(status, code, say(message, 'en'), {
    hint: hint === undefined ? undefined : say(hint, 'en'),
    ...(headers === undefined ? {} : { headers }),
    say: (locale) => ({
      message: say(message, locale),
      hint: hint === undefined ? undefined : say(hint, locale),
    }),
  })
}
