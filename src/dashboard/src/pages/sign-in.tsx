/** Sign in with an email and password, or with an admin key (also from `/#key=...`, as the server prints at first start). */
import { useEffect, useState } from 'preact/hooks'
import type { Locale } from '../../../i18n/locale.js'
import { ApiError, api } from '../api.js'
import { sentence } from '../components/bits.js'
import { LanguagePicker } from '../components/language-picker.js'
import { useT } from '../i18n.js'

export function SignInPage({
  signedIn,
  onSignedIn,
  onLanguage,
}: {
  signedIn: boolean
  onSignedIn: () => Promise<void>
  onLanguage: (locale: Locale) => Promise<void>
}) {
  const t = useT()
  const [withKey, setWithKey] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)

  const signIn = async (body: Record<string, string>) => {
    setBusy(true)
    setError(undefined)
    try {
      await api('/auth/sign-in', { method: 'POST', body })
      await onSignedIn()
    } catch (e) {
      setError(e instanceof ApiError && e.message ? sentence(e.message) : t.t('error.network'))
    } finally {
      setBusy(false)
    }
  }

  // the key printed at first start: /#key=lsk_a_...
  useEffect(() => {
    const hash = new URLSearchParams(location.hash.slice(1))
    const key = hash.get('key')
    if (key) {
      history.replaceState(null, '', location.pathname + location.search)
      void signIn({ key })
    } else if (signedIn) void onSignedIn()
  }, [])

  const submit = (e: Event) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    void signIn(
      withKey
        ? { key: String(data.get('key') ?? '') }
        : { email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') },
    )
  }

  return (
    <main class="sign-in" id="content">
      <div class="row" style={{ marginBottom: '1rem' }}>
        <img src="/favicon.svg" width="28" height="28" alt="" />
        <h1>Leadscore</h1>
        <span class="spacer" />
        <LanguagePicker onChange={onLanguage} />
      </div>
      <div class="card">
        <h2>{t.t('signIn.title')}</h2>
        <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
          {withKey ? (
            <label class="field">
              {t.t('signIn.key')}
              <input name="key" type="password" autoComplete="off" required placeholder="lsk_a_…" />
            </label>
          ) : (
            <>
              <label class="field">
                {t.t('signIn.email')}
                <input name="email" type="email" autoComplete="username" required />
              </label>
              <label class="field">
                {t.t('signIn.password')}
                <input name="password" type="password" autoComplete="current-password" required />
              </label>
            </>
          )}
          {error ? (
            <p class="error" id="sign-in-error" role="alert">
              {error}
            </p>
          ) : null}
          <button class="primary" type="submit" disabled={busy}>
            {busy ? t.t('signIn.busy') : t.t('signIn.submit')}
          </button>
          <button type="button" class="link" onClick={() => setWithKey(!withKey)}>
            {withKey ? t.t('signIn.withPassword') : t.t('signIn.withKey')}
          </button>
        </form>
      </div>
      <p class="muted small">{t.t('signIn.noAccount', { command: 'leadscore users add EMAIL' })}</p>
    </main>
  )
}
