/**
 * The dashboard on the server: sessions for the JSON API (`useDashboardSessions`, mounted
 * before the API routes), and the sign-in, editor, "what if" and settings routes with the
 * built single-page app (`dashboardRoutes`, mounted after them).
 * @module
 */
import { gzipSync } from 'node:zlib'
import type { Context, Hono } from 'hono'
import type { Engine } from '../../engine/index.js'
import { type Locale, localeFromAcceptLanguage } from '../../i18n/locale.js'
import type { Store } from '../../store/index.js'
import type { AppEnv } from '../auth.js'
import { authRoutes } from './auth-routes.js'
import { say } from './messages.js'
import { modelToolRoutes } from './model-tools-routes.js'
import { sessionAuth } from './session-auth.js'
import { Sessions } from './sessions.js'
import { settingsRoutes } from './settings-routes.js'
import { defaultDashboardDir, loadStaticFiles, type StaticFile } from './static-files.js'

export interface DashboardDeps {
  readonly engine: Engine
  readonly store: Store
  /** Where the built dashboard is (default: `dist/dashboard` of this package). */
  readonly dir?: string | undefined
  readonly maxApiBytes?: number | undefined
}

/** The pages of the app: each answers with the app, which routes in the browser. */
const PAGES = /^\/(|sign-in|leads(\/.*)?|accounts(\/.*)?|model|settings|reports(\/.*)?)$/

const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Leadscore</title>
<body style="font:16px system-ui;margin:4rem auto;max-width:36rem"><h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> in the leadscore folder, then reload. The API works meanwhile: see <a href="/docs">/docs</a>.</p>`

const sessionsByApp = new WeakMap<object, Sessions>()

/**
 * The page in the language of the request's Accept-Language: its `lang` and the text shown
 * without JavaScript (the app then picks the user's own language, see docs/i18n.md).
 */
function pageIn(index: StaticFile, locale: Locale): StaticFile {
  if (locale === 'en') return index
  const html = Buffer.from(index.body)
    .toString('utf8')
    .replace('<html lang="en">', `<html lang="${locale}">`)
    .replace(
      /<noscript>[\s\S]*?<\/noscript>/,
      `<noscript>${say({ key: 'page.noscript', values: { docs: '<a href="/docs">/docs</a>' } }, locale)}</noscript>`,
    )
  const body = Buffer.from(html, 'utf8')
  return {
    ...index,
    body,
    gzip: index.gzip === null ? null : gzipSync(body, { level: 9 }),
    etag: `${index.etag.slice(0, -1)}-${locale}"`,
  }
}

/** Mounts the session middleware on `/api/*`: call before the API routes are added. */
export function useDashboardSessions(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const sessions = new Sessions(deps.store, deps.engine.clock)
  sessionsByApp.set(app, sessions)
  app.use('/api/*', sessionAuth(sessions))
}

function send(c: Context, file: StaticFile, cache: string, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    'Content-Type': file.type,
    'Cache-Control': cache,
    ETag: file.etag,
    Vary: 'Accept-Encoding',
    ...extra,
  }
  if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers)
  if (file.gzip !== null && /\bgzip\b/.test(c.req.header('accept-encoding') ?? ''))
    return c.body(file.gzip as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Encoding': 'gzip' })
  return c.body(file.body as Uint8Array<ArrayBuffer>, 200, headers)
}

/** Adds the sign-in, dashboard API and page routes: call after the API routes are added. */
export function dashboardRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const sessions = sessionsByApp.get(app) ?? new Sessions(deps.store, deps.engine.clock)
  const has = (prefix: string) => app.routes.some((r) => r.path.startsWith(prefix))
  authRoutes(app, {
    engine: deps.engine,
    store: deps.store,
    sessions,
    features: () => ({
      webhooks: has('/api/webhooks'),
      owners: has('/api/owners'),
      reports: has('/api/analysis'),
      predictive: has('/api/predict'),
    }),
  })
  modelToolRoutes(app, {
    engine: deps.engine,
    store: deps.store,
    maxBytes: deps.maxApiBytes ?? 5 * 1024 * 1024,
  })
  settingsRoutes(app, { engine: deps.engine, store: deps.store })

  const files = loadStaticFiles(deps.dir ?? defaultDashboardDir())
  const index = files.get('/index.html')
  const pages = new Map<Locale, StaticFile>()
  app.get('/assets/*', (c) => {
    const file = files.get(c.req.path)
    if (file === undefined) return c.text('not found', 404)
    return send(c, file, 'public, max-age=31536000, immutable')
  })
  app.get('/favicon.svg', (c) => {
    const file = files.get('/favicon.svg')
    return file === undefined ? c.body(null, 404) : send(c, file, 'public, max-age=86400')
  })
  app.get('*', async (c, next) => {
    if (!PAGES.test(c.req.path)) return next()
    if (index === undefined) return c.html(NOT_BUILT, 200, PAGE_HEADERS)
    const locale = localeFromAcceptLanguage(c.req.header('accept-language'))
    let page = pages.get(locale)
    if (page === undefined) {
      page = pageIn(index, locale)
      pages.set(locale, page)
    }
    return send(c, page, 'no-cache', { ...PAGE_HEADERS, Vary: 'Accept-Encoding, Accept-Language' })
  })
  // sessions expire on their own; this only keeps the table small
  const sweep = setInterval(() => void sessions.sweep().catch(() => undefined), 3_600_000)
  sweep.unref()
}
