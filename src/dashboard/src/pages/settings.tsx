/** Settings: API keys (the secret of a new key is shown once) and the dashboard's users. */
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import type { PageProps } from '../app.js'
import { Card, ErrorBox, Loading } from '../components/bits.js'
import { ago, day } from '../format.js'
import { type T, useT } from '../i18n.js'
import { useData } from '../use-data.js'

interface Key {
  id: string
  kind: 'write' | 'admin'
  label: string | null
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

interface User {
  id: string
  email: string
  name: string | null
  role: 'admin' | 'sales'
  createdAt: number
  disabledAt: number | null
  lastSignInAt: number | null
}

function useAction() {
  const [error, setError] = useState<Error | undefined>(undefined)
  const run = async (fn: () => Promise<void>) => {
    setError(undefined)
    try {
      await fn()
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)))
    }
  }
  return { error, run }
}

const kindName = (t: T, kind: string) => (kind === 'admin' ? t.t('keys.kind.admin') : t.t('keys.kind.write'))
const roleName = (t: T, role: string) => (role === 'admin' ? t.t('role.admin') : t.t('role.sales'))

function Keys() {
  const t = useT()
  const keys = useData(() => api<{ keys: Key[] }>('/api/dashboard/keys'), [])
  const [secret, setSecret] = useState<{ kind: string; secret: string } | undefined>(undefined)
  const action = useAction()
  const create = (e: Event) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const data = new FormData(form)
    void action.run(async () => {
      const kind = String(data.get('kind'))
      const made = await api<{ secret: string }>('/api/dashboard/keys', {
        method: 'POST',
        body: { kind, label: String(data.get('label') ?? '') || null },
      })
      setSecret({ kind, secret: made.secret })
      form.reset()
      keys.reload()
    })
  }
  const revoke = (k: Key) =>
    void action.run(async () => {
      if (!confirm(t.t('keys.confirmRevoke', { key: k.label ?? k.id }))) return
      await api(`/api/dashboard/keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' })
      keys.reload()
    })
  return (
    <Card title={t.t('keys.title')}>
      <p class="muted small" style={{ marginTop: 0 }}>
        {t.t('keys.intro')}
      </p>
      <form class="toolbar" onSubmit={create}>
        <label class="field">
          {t.t('keys.kind')}
          <select name="kind">
            <option value="write">{t.t('keys.kind.write')}</option>
            <option value="admin">{t.t('keys.kind.admin')}</option>
          </select>
        </label>
        <label class="field" style={{ flex: 1 }}>
          {t.t('keys.label')}
          <input name="label" placeholder={t.t('keys.labelPlaceholder')} />
        </label>
        <button type="submit" class="primary">
          {t.t('keys.create')}
        </button>
      </form>
      {secret ? (
        <div class="notice" role="status">
          {secret.kind === 'admin' ? t.t('keys.newAdmin') : t.t('keys.newWrite')}
          <div class="secret mono">{secret.secret}</div>
        </div>
      ) : null}
      <ErrorBox error={action.error ?? keys.error} />
      {keys.value ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t.t('keys.col.key')}</th>
                <th>{t.t('keys.kind')}</th>
                <th>{t.t('keys.col.created')}</th>
                <th>{t.t('keys.col.lastUsed')}</th>
                <th>{t.t('keys.col.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.value.keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.label ?? <span class="muted">{t.t('keys.noLabel')}</span>}{' '}
                    <div class="sub mono">{k.id}</div>
                  </td>
                  <td>{kindName(t, k.kind)}</td>
                  <td>{day(k.createdAt)}</td>
                  <td>
                    {k.lastUsedAt ? ago(k.lastUsedAt) : <span class="muted">{t.t('common.never')}</span>}
                  </td>
                  <td>
                    {k.revokedAt ? (
                      <span class="neg">{t.t('keys.revoked', { day: day(k.revokedAt) })}</span>
                    ) : (
                      t.t('keys.active')
                    )}
                  </td>
                  <td>
                    {k.revokedAt ? null : (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => revoke(k)}
                        aria-label={t.t('keys.revokeNamed', { key: k.label ?? k.id })}
                      >
                        {t.t('keys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Loading />
      )}
    </Card>
  )
}

function Users() {
  const t = useT()
  const users = useData(() => api<{ users: User[] }>('/api/dashboard/users'), [])
  const action = useAction()
  const add = (e: Event) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const data = new FormData(form)
    void action.run(async () => {
      await api('/api/dashboard/users', {
        method: 'POST',
        body: {
          email: String(data.get('email')),
          name: String(data.get('name') ?? '') || null,
          role: String(data.get('role')),
          password: String(data.get('password')),
        },
      })
      form.reset()
      users.reload()
    })
  }
  const patch = (u: User, body: Record<string, unknown>) =>
    void action.run(async () => {
      await api(`/api/dashboard/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body })
      users.reload()
    })
  const remove = (u: User) =>
    void action.run(async () => {
      if (!confirm(t.t('users.confirmDelete', { email: u.email }))) return
      await api(`/api/dashboard/users/${encodeURIComponent(u.id)}`, { method: 'DELETE' })
      users.reload()
    })
  return (
    <Card title={t.t('users.title')}>
      <form class="toolbar" onSubmit={add}>
        <label class="field" style={{ flex: '1 1 12rem' }}>
          {t.t('signIn.email')}
          <input name="email" type="email" required autoComplete="off" />
        </label>
        <label class="field" style={{ flex: '1 1 8rem' }}>
          {t.t('account.col.name')}
          <input name="name" autoComplete="off" />
        </label>
        <label class="field">
          {t.t('users.role')}
          <select name="role">
            <option value="sales">{t.t('role.sales')}</option>
            <option value="admin">{t.t('role.admin')}</option>
          </select>
        </label>
        <label class="field" style={{ flex: '1 1 10rem' }}>
          {t.t('users.password')}
          <input name="password" type="password" required minLength={10} autoComplete="new-password" />
        </label>
        <button type="submit" class="primary">
          {t.t('users.add')}
        </button>
      </form>
      <ErrorBox error={action.error ?? users.error} />
      {users.value ? (
        users.value.users.length === 0 ? (
          <p class="muted">{t.t('users.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t.t('users.col.user')}</th>
                  <th>{t.t('users.role')}</th>
                  <th>{t.t('users.col.lastSignIn')}</th>
                  <th>{t.t('keys.col.status')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {users.value.users.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.name ?? u.email}
                      <div class="sub">{u.email}</div>
                    </td>
                    <td>
                      <select
                        aria-label={t.t('users.roleOf', { email: u.email })}
                        value={u.role}
                        onChange={(e) => patch(u, { role: (e.target as HTMLSelectElement).value })}
                      >
                        <option value="sales">{roleName(t, 'sales')}</option>
                        <option value="admin">{roleName(t, 'admin')}</option>
                      </select>
                    </td>
                    <td>
                      {u.lastSignInAt ? (
                        ago(u.lastSignInAt)
                      ) : (
                        <span class="muted">{t.t('common.never')}</span>
                      )}
                    </td>
                    <td>
                      {u.disabledAt ? <span class="neg">{t.t('users.disabled')}</span> : t.t('users.active')}
                    </td>
                    <td class="row">
                      <button type="button" onClick={() => patch(u, { disabled: u.disabledAt === null })}>
                        {u.disabledAt ? t.t('users.enable') : t.t('users.disable')}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => remove(u)}
                        aria-label={t.t('users.deleteNamed', { email: u.email })}
                      >
                        {t.t('users.delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : (
        <Loading />
      )}
    </Card>
  )
}

export function SettingsPage(_: PageProps) {
  const t = useT()
  return (
    <>
      <div class="page-head">
        <h1>{t.t('nav.settings')}</h1>
      </div>
      <div class="grid">
        <Users />
        <Keys />
      </div>
    </>
  )
}
