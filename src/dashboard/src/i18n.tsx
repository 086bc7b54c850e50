/**
 * The dashboard's language: which one (the signed-in user's setting, else the choice kept in
 * this browser, else the browser's languages, else English), its messages, loaded on their
 * own (one chunk per language), and `useT()` for the components.
 */
import type { ComponentChildren } from 'preact'
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import { type DashboardKey, loadDashboardCatalogs } from '../../i18n/dashboard.js'
import { type Locale, pickLocale } from '../../i18n/locale.js'
import { createTranslator, type Translator } from '../../i18n/translator.js'
import { setApiLocale } from './api.js'
import { setFormatLocale } from './format.js'

export type T = Translator<DashboardKey>
export type { DashboardKey }

/** Where this browser keeps the language chosen without a user account (admin-key sessions). */
export const LOCALE_KEY = 'leadscore.locale'

/** The language chosen in this browser, if any. */
export function storedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_KEY)
  } catch {
    return null
  }
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale)
  } catch {
    // private browsing without storage: the choice lasts as long as the page
  }
}

/** The page's language: the user's setting, else this browser's choice, else its languages, else English. */
export function chooseLocale(
  userLocale: string | null | undefined,
  stored: string | null,
  browser: readonly string[],
): Locale {
  return pickLocale(userLocale, stored, ...browser)
}

/** A translator for `locale` with its catalog loaded; numbers, dates and API calls follow it. */
export async function loadTranslator(locale: Locale): Promise<T> {
  const t = createTranslator(await loadDashboardCatalogs(locale), locale)
  setFormatLocale(locale)
  setApiLocale(locale)
  document.documentElement.lang = locale
  return t
}

const TranslatorContext = createContext<T | undefined>(undefined)

export function TranslatorProvider({ t, children }: { t: T; children: ComponentChildren }) {
  return <TranslatorContext.Provider value={t}>{children}</TranslatorContext.Provider>
}

/** The translator of the page's language. */
export function useT(): T {
  const t = useContext(TranslatorContext)
  if (t === undefined) throw new Error('useT() outside <TranslatorProvider>')
  return t
}
