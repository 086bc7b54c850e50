/** Settings: API keys (the secret of a new key is shown once) and the dashboard's users. */
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import type { PageProps } from '../app.js'
import { Card, ErrorBox, Loading } from '../components/bits.js'
import { ago, day } from '../format.js'
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

function Keys() {
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
      if (!confirm(`Revoke ${k.label ?? k.id}? Programs using it stop working at once.`)) return
      await api(`/api/dashboard/keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' })
      keys.reload()
    })
  return (
    <Card title="API keys">
      <p class="muted small" style={{ marginTop: 0 }}>
        Write keys send events (Segment, RudderStack, the native API); admin keys can do everything.
      </p>
      <form class="toolbar" onSubmit={create}>
        <label class="field">
          Kind
          <select name="kind">
            <option value="write">write</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label class="field" style={{ flex: 1 }}>
          Label
          <input name="label" placeholder="website (Segment)" />
        </label>
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      {secret ? (
        <div class="notice" role="status">
          New {secret.kind} key, shown this once: copy it now.
          <div class="secret mono">{secret.secret}</div>
        </div>
      ) : null}
      <ErrorBox error={action.error ?? keys.error} />
      {keys.value ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Key</th>
                <th>Kind</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.value.keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.label ?? <span class="muted">no label</span>} <div class="sub mono">{k.id}</div>
                  </td>
                  <td>{k.kind}</td>
                  <td>{day(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? ago(k.lastUsedAt) : <span class="muted">never</span>}</td>
                  <td>{k.revokedAt ? <span class="neg">revoked {day(k.revokedAt)}</span> : 'active'}</td>
                  <td>
                    {k.revokedAt ? null : (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => revoke(k)}
                        aria-label={`Revoke ${k.label ?? k.id}`}
                      >
                        Revoke
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
      if (!confirm(`Delete ${u.email}?`)) return
      await api(`/api/dashboard/users/${encodeURIComponent(u.id)}`, { method: 'DELETE' })
      users.reload()
    })
  return (
    <Card title="Users">
      <form class="toolbar" onSubmit={add}>
        <label class="field" style={{ flex: '1 1 12rem' }}>
          Email
          <input name="email" type="email" required autoComplete="off" />
        </label>
        <label class="field" style={{ flex: '1 1 8rem' }}>
          Name
          <input name="name" autoComplete="off" />
        </label>
        <label class="field">
          Role
          <select name="role">
            <option value="sales">sales</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label class="field" style={{ flex: '1 1 10rem' }}>
          Password (10+ characters)
          <input name="password" type="password" required minLength={10} autoComplete="new-password" />
        </label>
        <button type="submit" class="primary">
          Add user
        </button>
      </form>
      <ErrorBox error={action.error ?? users.error} />
      {users.value ? (
        users.value.users.length === 0 ? (
          <p class="muted">No users yet: people sign in with an admin key until you add some.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>User</th>
                  <th>Role</th>
                  <th>Last sign-in</th>
                  <th>Status</th>
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
                        aria-label={`Role of ${u.email}`}
                        value={u.role}
                        onChange={(e) => patch(u, { role: (e.target as HTMLSelectElement).value })}
                      >
                        <option value="sales">sales</option>
                        <option value="admin">admin</option>
                      </select>
                    </td>
                    <td>{u.lastSignInAt ? ago(u.lastSignInAt) : <span class="muted">never</span>}</td>
                    <td>{u.disabledAt ? <span class="neg">disabled</span> : 'active'}</td>
                    <td class="row">
                      <button type="button" onClick={() => patch(u, { disabled: u.disabledAt === null })}>
                        {u.disabledAt ? 'Enable' : 'Disable'}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => remove(u)}
                        aria-label={`Delete ${u.email}`}
                      >
                        Delete
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
  return (
    <>
      <div class="page-head">
        <h1>Settings</h1>
      </div>
      <div class="grid">
        <Users />
        <Keys />
      </div>
    </>
  )
}
