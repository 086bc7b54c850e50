/**
 * The shell: who is signed in, the language, the navigation, and the page for the address.
 * Pages that need heavy code (the model editor, the reports) load it when opened. A page is
 * listed in `PAGES`; one that needs a server feature (`feature`: a key of `/auth/session`'s
 * `features`) shows only where the server has it.
 */
import type { ComponentType } from 'preact'
import { lazy, Suspense } from 'preact/compat'
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { Locale } from '../../i18n/locale.js'
import { api, setCsrf, whenSignedOut } from './api.js'
import { Loading } from './components/bits.js'
import { LanguagePicker } from './components/language-picker.js'
import {
  chooseLocale,
  type DashboardKey,
  loadTranslator,
  storedLocale,
  storeLocale,
  type T,
  TranslatorProvider,
} from './i18n.js'
import { LabelsProvider, labelsOf } from './labels.js'
import { AccountPage, AccountsPage } from './pages/accounts.js'
import { LeadPage } from './pages/lead.js'
import { QueuePage } from './pages/queue.js'
import { SettingsPage } from './pages/settings.js'
import { SignInPage } from './pages/sign-in.js'
import { navigate, useLocation } from './router.js'
import type { ModelInfo, Session } from './types.js'
import { useData } from './use-data.js'

const ModelPage = lazy(() => import('./pages/model.js').then((m) => ({ default: m.ModelPage })))
const ReportsPage = lazy(() => import('./pages/reports.js').then((m) => ({ default: m.ReportsPage })))

export interface PageProps {
  session: Session
  params: string[]
}

interface PageEntry {
  /** The nav label, or null for pages reached by links only. */
  label: DashboardKey | null
  path?: string
  match: RegExp
  component: ComponentType<PageProps>
  adminOnly?: boolean
  feature?: string
  /** Other addresses under this entry (a lead is part of the queue). */
  under?: RegExp
}

const PAGES: PageEntry[] = [
  { label: 'nav.queue', path: '/', match: /^\/$/, component: QueuePage, under: /^\/leads\// },
  { label: null, match: /^\/leads\/(.+)$/, component: LeadPage },
  {
    label: 'nav.accounts',
    path: '/accounts',
    match: /^\/accounts$/,
    component: AccountsPage,
    under: /^\/accounts\//,
  },
  { label: null, match: /^\/accounts\/(.+)$/, component: AccountPage },
  { label: 'nav.model', path: '/model', match: /^\/model$/, component: ModelPage, adminOnly: true },
  {
    label: 'nav.reports',
    path: '/reports',
    match: /^\/reports$/,
    component: ReportsPage,
    adminOnly: true,
    feature: 'reports',
  },
  {
    label: 'nav.settings',
    path: '/settings',
    match: /^\/settings$/,
    component: SettingsPage,
    adminOnly: true,
  },
]

function allowed(page: PageEntry, session: Session): boolean {
  if (page.adminOnly && session.role !== 'admin') return false
  return page.feature === undefined || session.features?.[page.feature] === true
}

export function App() {
  const { path } = useLocation()
  const [session, setSession] = useState<Session | undefined>(undefined)
  const [t, setT] = useState<T | undefined>(undefined)

  const applyLanguage = async (locale: Locale) => {
    const next = await loadTranslator(locale)
    setT(next)
  }
  const refresh = () =>
    api<Session>('/auth/session').then(
      (s) => {
        if (s.csrfToken) setCsrf(s.csrfToken)
        return s
      },
      (): Session => ({ signedIn: false }),
    )
  const start = async () => {
    const s = await refresh()
    await applyLanguage(chooseLocale(s.locale, storedLocale(), navigator.languages))
    setSession(s)
  }
  useEffect(() => {
    whenSignedOut(() => setSession({ signedIn: false }))
    void start()
  }, [])

  // a key in the address (`/#key=...`, printed at first start) is not kept there once signed in
  useEffect(() => {
    if (session?.signedIn && /(^#|&)key=/.test(location.hash))
      history.replaceState(null, '', location.pathname + location.search)
  }, [session?.signedIn])

  /** A language picked in the page: kept for the user (when signed in with an account) and in this browser. */
  const chooseLanguage = async (locale: Locale) => {
    storeLocale(locale)
    if (session?.signedIn && session.via === 'password')
      await api('/auth/locale', { method: 'POST', body: { locale } })
    await applyLanguage(locale)
    if (session?.signedIn) setSession({ ...session, locale })
  }

  if (session === undefined || t === undefined) return <Loading bare />
  return (
    <TranslatorProvider t={t}>
      {!session.signedIn || path === '/sign-in' ? (
        <SignInPage
          signedIn={session.signedIn}
          onLanguage={chooseLanguage}
          onSignedIn={async () => {
            const s = await refresh()
            await applyLanguage(chooseLocale(s.locale, storedLocale(), navigator.languages))
            setSession(s)
            const next = new URLSearchParams(location.search).get('next')
            navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', true)
          }}
        />
      ) : (
        <Shell
          session={session}
          t={t}
          onLanguage={chooseLanguage}
          onSignedOut={() => {
            setSession({ signedIn: false })
            navigate('/sign-in', true)
          }}
        />
      )}
    </TranslatorProvider>
  )
}

function Shell({
  session,
  t,
  onLanguage,
  onSignedOut,
}: {
  session: Session
  t: T
  onLanguage: (locale: Locale) => Promise<void>
  onSignedOut: () => void
}) {
  const { path } = useLocation()
  // the model's labels, in the page's language (loaded again when the language changes)
  const model = useData(() => api<ModelInfo>('/api/dashboard/model'), [t.locale])
  const labels = useMemo(() => labelsOf(model.value, model.reload), [model.value])
  const page = PAGES.find((p) => p.match.test(path))
  const params = page ? (page.match.exec(path) ?? []).slice(1).map(decodeURIComponent) : []
  const nav = PAGES.filter((p) => p.label !== null && allowed(p, session))
  const signOut = async () => {
    await api('/auth/sign-out', { method: 'POST' }).catch(() => undefined)
    onSignedOut()
  }
  const current = (p: PageEntry) => p.match.test(path) || (p.under?.test(path) ?? false)
  const role = session.role === 'admin' ? t.t('role.admin') : t.t('role.sales')

  return (
    <LabelsProvider labels={labels}>
      <a class="skip" href="#content">
        {t.t('shell.skip')}
      </a>
      <header class="topbar">
        <a class="brand" href="/" aria-label={t.t('shell.brand')}>
          <img src="/favicon.svg" width="22" height="22" alt="" />
          Leadscore
        </a>
        <nav class="nav" aria-label={t.t('shell.nav')}>
          {nav.map((p) => (
            <a key={p.label} href={p.path ?? '/'} aria-current={current(p) ? 'page' : undefined}>
              {t.t(p.label!)}
            </a>
          ))}
        </nav>
        <div class="who">
          <span>
            {session.via === 'key'
              ? session.name
                ? t.t('shell.adminKeyNamed', { name: session.name })
                : t.t('shell.adminKey')
              : (session.name ?? session.email)}{' '}
            · {role}
          </span>
          <LanguagePicker onChange={onLanguage} />
          <button type="button" onClick={signOut}>
            {t.t('shell.signOut')}
          </button>
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        {page && allowed(page, session) ? (
          <Suspense fallback={<Loading />}>
            <page.component key={path} session={session} params={params} />
          </Suspense>
        ) : (
          <div class="card empty">
            <h1>{t.t('notFound.title')}</h1>
            <p>
              {page ? t.t('notFound.forRole', { path }) : t.t('notFound.noPage', { path })}{' '}
              <a href="/">{t.t('notFound.back')}</a>
            </p>
          </div>
        )}
      </main>
    </LabelsProvider>
  )
}
