/**
 * The shell: who is signed in, the navigation, and the page for the address. Pages that
 * need heavy code (the model editor) load it when opened. A page is listed in `PAGES`; one
 * that needs a server feature (`feature`: a key of `/auth/session`'s `features`) shows only
 * where the server has it.
 */
import type { ComponentType } from 'preact'
import { lazy, Suspense } from 'preact/compat'
import { useEffect, useState } from 'preact/hooks'
import { api, setCsrf, whenSignedOut } from './api.js'
import { Loading } from './components/bits.js'
import { AccountPage, AccountsPage } from './pages/accounts.js'
import { LeadPage } from './pages/lead.js'
import { QueuePage } from './pages/queue.js'
import { SettingsPage } from './pages/settings.js'
import { SignInPage } from './pages/sign-in.js'
import { navigate, useLocation } from './router.js'
import type { Session } from './types.js'

const ModelPage = lazy(() => import('./pages/model.js').then((m) => ({ default: m.ModelPage })))
const ReportsPage = lazy(() => import('./pages/reports.js').then((m) => ({ default: m.ReportsPage })))

export interface PageProps {
  session: Session
  params: string[]
}

interface PageEntry {
  /** The nav label, or null for pages reached by links only. */
  label: string | null
  match: RegExp
  component: ComponentType<PageProps>
  adminOnly?: boolean
  feature?: string
}

const PAGES: PageEntry[] = [
  { label: 'Queue', match: /^\/$/, component: QueuePage },
  { label: null, match: /^\/leads\/(.+)$/, component: LeadPage },
  { label: 'Accounts', match: /^\/accounts$/, component: AccountsPage },
  { label: null, match: /^\/accounts\/(.+)$/, component: AccountPage },
  { label: 'Model', match: /^\/model$/, component: ModelPage, adminOnly: true },
  { label: 'Reports', match: /^\/reports$/, component: ReportsPage, adminOnly: true, feature: 'reports' },
  { label: 'Settings', match: /^\/settings$/, component: SettingsPage, adminOnly: true },
]

function allowed(page: PageEntry, session: Session): boolean {
  if (page.adminOnly && session.role !== 'admin') return false
  return page.feature === undefined || session.features?.[page.feature] === true
}

const PATHS: Record<string, string> = {
  Queue: '/',
  Accounts: '/accounts',
  Model: '/model',
  Reports: '/reports',
  Settings: '/settings',
}

export function App() {
  const { path } = useLocation()
  const [session, setSession] = useState<Session | undefined>(undefined)

  const refresh = () =>
    api<Session>('/auth/session').then(
      (s) => {
        if (s.csrfToken) setCsrf(s.csrfToken)
        setSession(s)
      },
      () => setSession({ signedIn: false }),
    )
  useEffect(() => {
    whenSignedOut(() => setSession({ signedIn: false }))
    void refresh()
  }, [])

  // a key in the address (`/#key=...`, printed at first start) is not kept there once signed in
  useEffect(() => {
    if (session?.signedIn && /(^#|&)key=/.test(location.hash))
      history.replaceState(null, '', location.pathname + location.search)
  }, [session?.signedIn])

  if (session === undefined) return <Loading />
  if (!session.signedIn || path === '/sign-in') {
    return (
      <SignInPage
        signedIn={session.signedIn}
        onSignedIn={async () => {
          await refresh()
          const next = new URLSearchParams(location.search).get('next')
          navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', true)
        }}
      />
    )
  }

  const page = PAGES.find((p) => p.match.test(path))
  const params = page ? (page.match.exec(path) ?? []).slice(1).map(decodeURIComponent) : []
  const nav = PAGES.filter((p) => p.label !== null && allowed(p, session))
  const signOut = async () => {
    await api('/auth/sign-out', { method: 'POST' }).catch(() => undefined)
    setSession({ signedIn: false })
    navigate('/sign-in', true)
  }
  const current = (p: PageEntry) =>
    p.match.test(path) ||
    (p.label === 'Queue' && path.startsWith('/leads/')) ||
    (p.label === 'Accounts' && path.startsWith('/accounts/'))

  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/" aria-label="Leadscore, the queue">
          <img src="/favicon.svg" width="22" height="22" alt="" />
          Leadscore
        </a>
        <nav class="nav" aria-label="Main">
          {nav.map((p) => (
            <a key={p.label} href={PATHS[p.label!] ?? '/'} aria-current={current(p) ? 'page' : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span>
            {session.via === 'key'
              ? `admin key${session.name ? ` (${session.name})` : ''}`
              : (session.name ?? session.email)}{' '}
            · {session.role}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
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
            <h1>Not here</h1>
            <p>
              There is no page at <code>{path}</code>
              {page ? ' for your role' : ''}. <a href="/">Back to the queue</a>
            </p>
          </div>
        )}
      </main>
    </>
  )
}
