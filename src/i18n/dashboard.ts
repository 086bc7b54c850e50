/**
 * The dashboard's messages (`catalogs/<locale>/dashboard.json`). The page loads only the
 * catalog of the language it shows (`loadDashboardCatalogs`, one chunk per language); the
 * catalog test makes sure every language has every key, so no fallback is needed.
 * @module
 */
import type en from './catalogs/en/dashboard.json'
import { LOCALES, type Locale } from './locale.js'
import type { Catalogs } from './translator.js'

export type DashboardKey = keyof typeof en
type DashboardCatalog = Readonly<Record<DashboardKey, string>>

const LOADERS: Record<Locale, () => Promise<{ default: DashboardCatalog }>> = {
  en: () => import('./catalogs/en/dashboard.json', { with: { type: 'json' } }),
  es: () => import('./catalogs/es/dashboard.json', { with: { type: 'json' } }),
  nl: () => import('./catalogs/nl/dashboard.json', { with: { type: 'json' } }),
}

/** The dashboard catalogs for a translator in `locale`: that language's messages only. */
export async function loadDashboardCatalogs(locale: Locale): Promise<Catalogs<DashboardKey>> {
  const { default: catalog } = await LOADERS[locale]()
  return Object.fromEntries(LOCALES.map((l) => [l, catalog])) as Catalogs<DashboardKey>
}
